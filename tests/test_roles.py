"""Roles come from a data migration, with the permission matrix of DESIGN.md §2."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from strategy.roles import ROLES


def test_the_three_roles_exist_after_migrating(db):
    from django.contrib.auth.models import Group

    assert set(Group.objects.values_list("name", flat=True)) >= set(ROLES)


@pytest.mark.parametrize(
    ("actor", "perm", "allowed"),
    [
        ("department", "kpi.change_achievement", True),
        ("department", "strategy.change_projectoutput", True),
        ("department", "verification.change_internalreview", False),
        ("department", "verification.draft_panelreview", False),
        ("department", "strategy.publish_fiscalyear", False),
        ("department", "kpi.change_indicator", False),
        ("department", "strategy.view_unpublished", True),
        ("panel_member", "kpi.change_achievement", False),
        ("panel_member", "verification.draft_panelreview", True),
        ("panel_member", "verification.change_internalreview", False),
        ("panel_member", "strategy.view_unpublished", True),
        ("secretariat", "verification.change_internalreview", True),
        ("secretariat", "verification.draft_panelreview", True),
        ("secretariat", "strategy.publish_fiscalyear", True),
        ("secretariat", "kpi.change_indicator", True),
        ("secretariat", "strategy.change_revision", True),
    ],
)
def test_the_permission_matrix(request, actor, perm, allowed):
    user = request.getfixturevalue(actor)
    assert user.has_perm(perm) is allowed


def test_a_command_creates_a_user_in_a_role_in_a_municipality(db, monkeypatch):
    monkeypatch.setenv("NEMURO_STAFF_PASSWORD", "a-long-passphrase-2017")
    out = StringIO()
    call_command(
        "create_staff_user",
        "sato",
        "--role",
        "担当課",
        "--municipality",
        "012238",
        "--name",
        "佐藤",
        stdout=out,
    )
    user = get_user_model().objects.get(username="sato")
    assert "「sato」を北海道根室市の担当課として作成しました。" in out.getvalue()
    assert user.is_staff and user.has_perm("kpi.change_achievement")
    assert user.check_password("a-long-passphrase-2017")
    assert [(m.municipality.code, m.role) for m in user.memberships.all()] == [("012238", "担当課")]
    call_command(
        "create_staff_user", "suzuki", "--role", "有識者", "--municipality", "012238", stdout=out
    )
    panel = get_user_model().objects.get(username="suzuki")
    assert not panel.is_staff  # panel members use the review pages, not the admin


def test_the_command_puts_a_department_member_in_their_departments(db, monkeypatch):
    from strategy.models import Department, Municipality

    nemuro = Municipality.objects.get(code="012238")
    Department.objects.create(municipality=nemuro, name="第一課")
    Department.objects.create(municipality=nemuro, name="第二課")
    monkeypatch.setenv("NEMURO_STAFF_PASSWORD", "a-long-passphrase-2017")
    out = StringIO()
    args = ["create_staff_user", "ito", "--role", "担当課", "--municipality", "012238"]
    call_command(*args, "--department", "第一課", "--department", "第二課", stdout=out)
    assert "（第一課・第二課）" in out.getvalue()
    membership = get_user_model().objects.get(username="ito").memberships.get()
    assert sorted(d.name for d in membership.departments.all()) == ["第一課", "第二課"]


def test_the_command_refuses_what_it_cannot_do_and_leaves_nothing_behind(db, monkeypatch):
    monkeypatch.setenv("NEMURO_STAFF_PASSWORD", "a-long-passphrase-2017")
    base = ["create_staff_user", "kato", "--role", "担当課"]
    with pytest.raises(CommandError, match="「999999」の団体がありません"):
        call_command(*base, "--municipality", "999999")
    with pytest.raises(CommandError, match="担当課「土木課」がありません"):
        call_command(*base, "--municipality", "012238", "--department", "土木課")
    with pytest.raises(CommandError, match="担当課の職員にだけ"):
        call_command(
            "create_staff_user", "kato", "--role", "事務局", "--municipality", "012238",
            "--department", "土木課",
        )  # fmt: skip
    assert not get_user_model().objects.filter(username="kato").exists()


def test_the_command_adds_a_role_in_a_second_municipality(db, monkeypatch, other_municipality):
    monkeypatch.setenv("NEMURO_STAFF_PASSWORD", "a-long-passphrase-2017")
    call_command(
        "create_staff_user", "mori", "--role", "事務局", "--municipality", "012238",
        stdout=StringIO(),
    )  # fmt: skip
    out = StringIO()
    call_command(
        "create_staff_user", "mori", "--role", "担当課", "--municipality",
        other_municipality.code, stdout=out,
    )  # fmt: skip
    assert "に追加しました" in out.getvalue()
    roles = {
        m.municipality.code: m.role
        for m in get_user_model().objects.get(username="mori").memberships.all()
    }
    assert roles == {"012238": "事務局", other_municipality.code: "担当課"}
    with pytest.raises(CommandError, match="既に所属しています"):
        call_command("create_staff_user", "mori", "--role", "有識者", "--municipality", "012238")


def test_the_command_refuses_a_weak_password(db, monkeypatch):
    monkeypatch.setenv("NEMURO_STAFF_PASSWORD", "123")
    with pytest.raises(CommandError, match="パスワードが条件を満たしていません"):
        call_command("create_staff_user", "tanaka", "--role", "事務局", "--municipality", "012238")
    assert not get_user_model().objects.filter(username="tanaka").exists()


def test_the_staff_home_needs_a_login(client, db):
    response = client.get("/staff/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_login_page_is_in_japanese(client, db):
    html = client.get("/accounts/login/").content.decode()
    assert "ログイン名" in html and "パスワード" in html
