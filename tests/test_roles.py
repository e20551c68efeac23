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


def test_a_command_creates_a_user_in_a_role(db, monkeypatch):
    monkeypatch.setenv("NEMURO_STAFF_PASSWORD", "a-long-passphrase-2017")
    out = StringIO()
    call_command("create_staff_user", "sato", "--role", "担当課", "--name", "佐藤", stdout=out)
    user = get_user_model().objects.get(username="sato")
    assert "担当課として作成しました" in out.getvalue()
    assert user.is_staff and user.has_perm("kpi.change_achievement")
    assert user.check_password("a-long-passphrase-2017")
    call_command("create_staff_user", "suzuki", "--role", "有識者", stdout=StringIO())
    panel = get_user_model().objects.get(username="suzuki")
    assert not panel.is_staff  # panel members use the review pages, not the admin


def test_the_command_refuses_a_weak_password_and_a_taken_name(db, monkeypatch):
    monkeypatch.setenv("NEMURO_STAFF_PASSWORD", "123")
    with pytest.raises(CommandError, match="パスワードが条件を満たしていません"):
        call_command("create_staff_user", "tanaka", "--role", "事務局")
    assert not get_user_model().objects.filter(username="tanaka").exists()
    monkeypatch.setenv("NEMURO_STAFF_PASSWORD", "a-long-passphrase-2017")
    call_command("create_staff_user", "tanaka", "--role", "事務局", stdout=StringIO())
    with pytest.raises(CommandError, match="既に使われています"):
        call_command("create_staff_user", "tanaka", "--role", "事務局")


def test_the_staff_home_needs_a_login(client, db):
    response = client.get("/staff/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_login_page_is_in_japanese(client, db):
    html = client.get("/accounts/login/").content.decode()
    assert "ログイン名" in html and "パスワード" in html
