"""The year-entry screen: every indicator in force in one fiscal year on one form, saved all at
once or not at all, never over a result someone else changed meanwhile."""

from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from kpi.models import Achievement, Indicator
from strategy.models import FiscalYear
from tests.factory import grow_strategy

SLUG = "nemuro-sousei-2015"


def entry_url(year: int) -> str:
    return reverse("staff:year_entry", kwargs={"slug": SLUG, "year": year})


def index_url() -> str:
    return reverse("staff:year_entry_index", kwargs={"slug": SLUG})


class EntryForm(HTMLParser):
    """What a browser would submit from the page's entry form, and the helpers to type into it
    by indicator code."""

    def __init__(self, html: str):
        super().__init__()
        self.fields: dict[str, str] = {}
        self._in_form = False
        self._select = None
        self.feed(html)
        ids = dict(Indicator.objects.values_list("pk", "code"))
        self.prefix = {
            ids[int(value)]: name.removesuffix("-indicator")
            for name, value in self.fields.items()
            if name.endswith("-indicator") and not name.startswith("initial-")
        }

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("id") == "year-entry-form":
            self._in_form = True
        if not self._in_form:
            return
        if tag == "input":
            self.fields[a["name"]] = a.get("value") or ""
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select:
            if self._select not in self.fields or "selected" in a:
                self.fields[self._select] = a["value"]

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "form":
            self._in_form = False

    def type(self, code: str, **values) -> "EntryForm":
        for name, value in values.items():
            self.fields[f"{self.prefix[code]}-{name}"] = value
        return self

    def value_of(self, code: str, name: str) -> str:
        return self.fields[f"{self.prefix[code]}-{name}"]


def load(client, year: int = 2017) -> EntryForm:
    response = client.get(entry_url(year))
    assert response.status_code == 200
    return EntryForm(response.content.decode())


def h29_results():
    return Achievement.objects.filter(fiscal_year__year=2017, fiscal_year__strategy__slug=SLUG)


def result(code: str, year: int = 2017) -> Achievement:
    return Achievement.objects.get(
        indicator__code=code, fiscal_year__year=year, fiscal_year__strategy__slug=SLUG
    )


# --- who may enter -------------------------------------------------------------------------


def test_anonymous_users_are_sent_to_the_login_page(client, nemuro):
    for url in (index_url(), entry_url(2017)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_a_panel_member_is_refused_with_403(as_user, panel_member):
    client = as_user(panel_member)
    assert client.get(index_url()).status_code == 403
    assert client.get(entry_url(2017)).status_code == 403
    assert client.post(entry_url(2017), {}).status_code == 403


def test_department_staff_and_the_secretariat_may_enter_results(
    client, nemuro, department, secretariat
):
    for user in (department, secretariat):
        client.force_login(user)
        assert client.get(index_url()).status_code == 200
        assert client.get(entry_url(2017)).status_code == 200


def test_a_year_outside_the_period_is_not_found(as_user, department):
    client = as_user(department)
    assert client.get(entry_url(2014)).status_code == 404
    assert client.get(entry_url(2020)).status_code == 404


# --- what the screen shows -----------------------------------------------------------------


def test_the_index_lists_every_year_of_the_period_with_its_state(as_user, department):
    html = as_user(department).get(index_url()).content.decode()
    for label in ("H27 平成27年度", "H28 平成28年度", "H29 平成29年度", "H31 平成31年度"):
        assert label in html
    assert html.count("<td>公表済み（") == 2 and html.count("<td>未公表</td>") == 3
    assert "25 / 49指標" in html  # H27: 25 results of the 49 indicators of the 2015 structure
    assert "実績あり 21・集計中または未集計 4" in html  # H28
    assert "0 / 51指標" in html  # H29, the 2017 structure
    assert entry_url(2017) in html


def test_h29_shows_all_41_kpis_and_10_numerical_targets_of_the_2017_revision(as_user, department):
    response = as_user(department).get(entry_url(2017))
    html = response.content.decode()
    forms = response.context["formset"].forms
    assert len(forms) == 51
    assert sum(1 for f in forms if f.row.indicator.is_goal_level) == 10
    assert "数値目標 10・KPI 41、計 51指標" in html
    assert "改訂（2017-11-22）" in html
    codes = [f.row.indicator.code for f in forms]
    assert "3ウ①-1" in codes and "3ウ①-4" in codes
    assert "3イ②-2" not in codes and ">3イ②-2<" not in html
    # 数値目標 first, then the measures in the report's order
    assert codes[:4] == ["G1-1", "G1-2", "G1-3", "G1-4"]
    assert codes.index("1ア①-1") < codes.index("1ア④-3") < codes.index("G2-1")
    for code in ("G1-1", "1ア①-1", "3ウ①-1"):
        assert f'<span class="code">{code}</span>' in html


def test_h28_shows_the_2015_structure(as_user, department):
    forms = as_user(department).get(entry_url(2016)).context["formset"].forms
    codes = [f.row.indicator.code for f in forms]
    assert len(codes) == 49
    assert "3イ②-2" in codes and "3ウ①-1" not in codes


def test_each_row_shows_baseline_target_and_last_years_value_read_only(as_user, department):
    html = as_user(department).get(entry_url(2017)).content.decode()
    page = EntryForm(html)
    assert "前年度（H28）" in html
    assert "策定時 1.37" in html and "5年で1.49とし0.12ポイント向上" in html
    assert '<span>1.53</span><span class="note">(H26 数値)</span>' in html  # G1-1 in H28
    # 3ウ①-1 replaced 3イ②-2 in 2017: last year's value comes from its predecessor
    assert '<span>33.1億円</span><span class="note">(累計46.0億円)</span>' in html
    assert '<span class="pending">集計中</span>' in html  # 1ア②-2 was still being aggregated
    assert "1.53" not in page.value_of("G1-1", "value")  # last year is not an input
    assert page.value_of("G1-1", "version") == ""


@pytest.fixture
def h28_unpublished(nemuro):
    """H28, with its stored results, as it was before publication (a published year is read
    only here: tests/kpi/test_corrections.py)."""
    FiscalYear.objects.filter(strategy=nemuro, year=2016).update(published_at=None)


def test_a_stored_result_is_loaded_into_the_inputs_with_its_version(
    as_user, department, h28_unpublished
):
    page = load(as_user(department), 2016)
    assert page.value_of("1ア④-2", "value") == "51,413"
    assert page.value_of("1ア①-1", "cumulative") == "100"
    assert page.value_of("G1-1", "note") == "H26 数値"
    assert page.value_of("1ア②-2", "state") == "aggregating"
    assert page.value_of("G1-1", "version") == result("G1-1", 2016).updated_at.isoformat()


def test_inputs_have_labels(as_user, department):
    html = as_user(department).get(entry_url(2017)).content.decode()
    assert (
        '<label class="visually-hidden" for="id_form-0-value">G1-1 合計特殊出生率の実績値' in html
    )
    # only a cumulative indicator has a 累計 input (kpi.plausibility)
    assert "id_form-1-cumulative" not in html  # G1-2 年少人口割合: 到達水準
    prefix = EntryForm(html).prefix["1ア①-1"]  # 5年間の累計
    assert f'for="id_{prefix}-cumulative">1ア①-1 ' in html
    assert 'class="table-wrap"' in html


# --- saving --------------------------------------------------------------------------------


def test_a_valid_save_creates_the_h29_results_and_records_who_saved_them(as_user, department):
    client = as_user(department)
    page = load(client)
    page.type("G1-1", value="1.55", note="H27 数値")
    page.type("G1-2", state="aggregating")
    page.type("1ア①-1", value="40", cumulative="140")
    response = client.post(entry_url(2017), page.fields, follow=True)
    assert response.redirect_chain == [(entry_url(2017), 302)]
    html = response.content.decode()
    assert "H29の実績を保存しました（新規 3件・更新 0件）。" in html

    assert h29_results().count() == 3
    g11 = result("G1-1")
    assert (g11.value, g11.state, g11.note, g11.data_year) == (
        Decimal("1.55"),
        "recorded",
        "H27 数値",
        2015,
    )
    g12 = result("G1-2")
    assert (g12.value, g12.cumulative, g12.state) == (None, None, "aggregating")
    kpi = result("1ア①-1")
    assert (kpi.value, kpi.cumulative) == (Decimal("40"), Decimal("140"))
    for achievement in (g11, g12, kpi):
        (record,) = achievement.history.all()
        assert record.history_type == "+" and record.history_user == department
    # the reloaded page shows the saved values with their new version
    page = EntryForm(html)
    assert page.value_of("G1-1", "value") == "1.55"
    assert page.value_of("G1-1", "version") == g11.updated_at.isoformat()


def test_saving_again_updates_and_counts_only_what_changed(as_user, secretariat):
    client = as_user(secretariat)
    client.post(entry_url(2017), load(client).type("G1-1", value="1.55").fields)
    page = load(client).type("G1-1", value="1.56").type("G1-3", value="0")
    response = client.post(entry_url(2017), page.fields, follow=True)
    assert "新規 1件・更新 1件" in response.content.decode()
    assert result("G1-1").value == Decimal("1.56")
    assert [h.history_type for h in result("G1-1").history.all()] == ["~", "+"]
    assert result("G1-1").history.first().history_user == secretariat

    response = client.post(entry_url(2017), load(client).fields, follow=True)
    assert "変更はありませんでした。" in response.content.decode()


def test_an_untouched_form_creates_nothing(as_user, department):
    client = as_user(department)
    response = client.post(entry_url(2017), load(client).fields)
    assert response.status_code == 302
    assert not h29_results().exists()


def test_full_width_digits_and_thousands_separators_are_accepted(as_user, department):
    client = as_user(department)
    page = load(client)
    page.type("1ア④-2", value="５１，８２０")  # 留守家庭児童会 (人)
    page.type("G3-3", value="1,234")
    page.type("G1-2", value="１０．９％")  # the unit typed after the number is fine too
    page.type("1ア①-1", value="32人", cumulative="１３２")  # H28: 64人, 累計100人
    assert client.post(entry_url(2017), page.fields).status_code == 302
    assert result("1ア④-2").value == Decimal("51820")
    assert result("G3-3").value == Decimal("1234")
    assert result("G1-2").value == Decimal("10.9")
    assert (result("1ア①-1").value, result("1ア①-1").cumulative) == (32, 132)


def test_invalid_rows_each_get_their_message_nothing_is_written_and_the_input_is_kept(
    as_user, department
):
    client = as_user(department)
    page = load(client)
    page.type("G1-1", value="1.55")  # valid, but not saved: the save is all or nothing
    page.type("1ア④-2", value="約12")
    page.type("1ア①-1", value="-5")
    page.type("G1-2", value="11.0", state="aggregating")
    page.type("1ア①-2", cumulative="10", note="速報値")  # 実績あり without a value
    page.type("2ア①-2", value="12.345")  # decimals 0: at most 2 places
    response = client.post(entry_url(2017), page.fields)
    assert response.status_code == 200
    assert not h29_results().exists()

    html = response.content.decode()
    assert "誤りのある行: 5行" in html
    formset = response.context["formset"]
    errors = {f.row.indicator.code: f.errors for f in formset.forms if f.errors}
    assert errors == {
        "1ア④-2": {"value": ["数値で入力してください。"]},
        "1ア①-1": {"value": ["実績値に負の値は入力できません。"]},
        "G1-2": {"value": ["集計中・未集計の年度には数値を入力できません。"]},
        "1ア①-2": {
            "value": ["実績ありの年度には実績値を入力してください。"],
            "cumulative": [
                "累計 10件 が前年度（H28）の累計 72件 を下回っています。"
                "累計は前年度の累計以上にしてください。"
            ],
        },
        "2ア①-2": {"value": ["小数点以下は2桁までで入力してください。"]},
    }
    again = EntryForm(html)  # everything typed is still in the inputs
    assert again.value_of("G1-1", "value") == "1.55"
    assert again.value_of("1ア④-2", "value") == "約12"
    assert again.value_of("1ア①-1", "value") == "-5"
    assert again.value_of("G1-2", "state") == "aggregating"
    assert again.value_of("1ア①-2", "note") == "速報値"
    # each message sits next to its input and is linked to it
    prefix = again.prefix["1ア④-2"]
    assert f'aria-invalid="true" aria-describedby="id_{prefix}-value_error"' in html
    assert (
        f'<ul class="errorlist" id="id_{prefix}-value_error"><li>数値で入力してください。' in html
    )
    assert f'href="#id_{prefix}-value"' in html  # the summary links to it


def test_a_negative_total_and_a_total_below_this_years_value_are_refused(as_user, department):
    client = as_user(department)
    page = load(client).type("1ア①-1", value="40", cumulative="-1")
    page.type("1ア①-2", value="40", cumulative="30")
    formset = client.post(entry_url(2017), page.fields).context["formset"]
    errors = {f.row.indicator.code: f.errors for f in formset.forms if f.errors}
    assert errors == {
        "1ア①-1": {
            "cumulative": [
                "累計に負の値は入力できません。",
                "累計は今年度の実績値以上にしてください。",
            ]
        },
        "1ア①-2": {"cumulative": ["累計は今年度の実績値以上にしてください。"]},
    }
    assert not h29_results().exists()


def test_a_stored_result_cannot_be_emptied_from_this_screen(as_user, department, h28_unpublished):
    client = as_user(department)
    page = load(client, 2016).type("G1-1", value="", note="")
    response = client.post(entry_url(2016), page.fields)
    assert response.status_code == 200
    assert "登録済みの実績は空欄にできません。" in response.content.decode()
    assert result("G1-1", 2016).value == Decimal("1.53")


def test_a_row_for_an_indicator_not_in_force_that_year_is_refused(as_user, department):
    """A form loaded before the structure changed must never put a value on another indicator."""
    client = as_user(department)
    page = load(client)
    retired = Indicator.objects.get(code="3イ②-2")
    prefix = page.prefix["3ウ①-1"]
    page.fields[f"{prefix}-indicator"] = str(retired.pk)
    page.type("3ウ①-1", value="40.5")
    response = client.post(entry_url(2017), page.fields)
    assert response.status_code == 200
    assert "この年度の構成に含まれていません" in response.content.decode()
    assert not h29_results().exists()


def test_a_save_that_collides_in_the_database_is_reported_and_keeps_the_input(
    as_user, department, monkeypatch
):
    from django.db import IntegrityError

    def collide(**kwargs):
        raise IntegrityError("UNIQUE constraint failed")

    monkeypatch.setattr("kpi.entry.save.achievements_save_year", collide)
    client = as_user(department)
    response = client.post(entry_url(2017), load(client).type("G1-1", value="1.55").fields)
    assert response.status_code == 200
    html = response.content.decode()
    assert "他の職員が同時に保存したため、保存できませんでした。" in html
    assert EntryForm(html).value_of("G1-1", "value") == "1.55"


# --- no silent overwrite -------------------------------------------------------------------


@pytest.fixture
def h29_g11(nemuro, department):
    """G1-1 already has an H29 result of 1.53."""
    return Achievement.objects.create(
        indicator=Indicator.objects.get(code="G1-1"),
        fiscal_year=FiscalYear.objects.get(strategy=nemuro, year=2017),
        value=Decimal("1.53"),
    )


def someone_else_saves(achievement: Achievement, value: str) -> None:
    achievement.refresh_from_db()
    achievement.value = Decimal(value)
    achievement.save()


def test_a_result_changed_by_someone_else_since_loading_is_not_overwritten(
    as_user, department, h29_g11
):
    client = as_user(department)
    page = load(client)
    someone_else_saves(h29_g11, "1.55")
    page.type("G1-1", value="1.60").type("G1-2", value="10.9")
    response = client.post(entry_url(2017), page.fields)

    assert response.status_code == 200
    html = response.content.decode()
    when = timezone.localtime(h29_g11.updated_at)  # Asia/Tokyo
    assert (
        f"この実績は他の職員が {when:%Y-%m-%d %H:%M} に更新しました"
        "（現在の値: 1.55、あなたの入力: 1.60）。内容を確認して再度保存してください。"
    ) in html
    h29_g11.refresh_from_db()
    assert h29_g11.value == Decimal("1.55")
    assert h29_results().count() == 1  # G1-2 was not saved either
    again = EntryForm(html)
    assert again.value_of("G1-1", "value") == "1.60"
    prefix = again.prefix["G1-1"]  # the row's message is linked to each of its inputs
    assert f'aria-describedby="{prefix}-errors" id="id_{prefix}-value"' in html
    assert f'aria-describedby="{prefix}-errors" id="id_{prefix}-note"' in html
    assert f'<ul class="errorlist" id="{prefix}-errors">' in html
    assert again.value_of("G1-2", "value") == "10.9"

    # Having seen the other value, saving again means "keep mine"
    response = client.post(entry_url(2017), again.fields)
    assert response.status_code == 302
    h29_g11.refresh_from_db()
    assert h29_g11.value == Decimal("1.60")
    assert result("G1-2").value == Decimal("10.9")


def test_a_result_created_by_someone_else_since_loading_is_not_overwritten(
    as_user, department, nemuro
):
    client = as_user(department)
    page = load(client)
    Achievement.objects.create(
        indicator=Indicator.objects.get(code="G1-1"),
        fiscal_year=FiscalYear.objects.get(strategy=nemuro, year=2017),
        value=Decimal("1.52"),
    )
    response = client.post(entry_url(2017), page.type("G1-1", value="1.60").fields)
    html = response.content.decode()
    assert "この実績は他の職員が" in html and "に登録しました" in html
    assert "現在の値: 1.52、あなたの入力: 1.60" in html
    assert result("G1-1").value == Decimal("1.52")


def test_a_row_the_user_did_not_touch_is_not_refused_and_keeps_the_other_value(
    as_user, department, h29_g11
):
    client = as_user(department)
    page = load(client)
    someone_else_saves(h29_g11, "1.55")
    response = client.post(entry_url(2017), page.type("G1-2", value="10.9").fields)
    assert response.status_code == 302
    h29_g11.refresh_from_db()
    assert h29_g11.value == Decimal("1.55")
    assert result("G1-2").value == Decimal("10.9")


def test_typing_what_someone_else_already_saved_is_not_a_conflict(as_user, department, h29_g11):
    client = as_user(department)
    page = load(client)
    someone_else_saves(h29_g11, "1.55")
    response = client.post(entry_url(2017), page.type("G1-1", value="1.55").fields, follow=True)
    assert "変更はありませんでした。" in response.content.decode()


# --- the service and the note reader, without HTTP -------------------------------------


def test_the_service_records_the_user_it_is_given_in_the_history(nemuro, department):
    from kpi.entry.save import RowInput, achievements_save_year

    saved = achievements_save_year(
        strategy=nemuro,
        fiscal_year=FiscalYear.objects.get(strategy=nemuro, year=2017),
        rows=[RowInput(indicator=Indicator.objects.get(code="G3-1"), version="", value=25)],
        user=department,
    )
    assert (saved.created, saved.updated) == (1, 0)
    assert result("G3-1").history.get().history_user == department


def test_the_service_writes_nothing_when_the_models_own_rules_refuse_a_row(nemuro, department):
    from kpi.entry.save import RowErrors, RowInput, achievements_save_year

    retired = Indicator.objects.get(code="3イ②-2")  # not in the 2017 structure
    with pytest.raises(RowErrors) as refusal:
        achievements_save_year(
            strategy=nemuro,
            fiscal_year=FiscalYear.objects.get(strategy=nemuro, year=2017),
            rows=[
                RowInput(indicator=Indicator.objects.get(code="G3-1"), version="", value=25),
                RowInput(indicator=retired, version="", value=Decimal("40.5")),
            ],
            user=department,
        )
    assert list(refusal.value.errors) == [retired.pk]
    assert "改訂（2017-11-22）の構成に含まれていません" in str(refusal.value.errors[retired.pk])
    assert not h29_results().exists()


@pytest.mark.parametrize(
    ("note", "year"),
    [("H27 数値", 2015), ("Ｈ２６数値", 2014), ("H25年度数値", 2013), ("住民基本台帳", None)],
)
def test_a_note_naming_the_year_of_the_figure_sets_its_data_year(note, year):
    from kpi.entry.save import data_year_from_note

    assert data_year_from_note(note) == year


# --- budget --------------------------------------------------------------------------------

# session, user, the user's permissions (2: own and group), the user's memberships with their
# municipalities and their departments (2, also shown in the page header), strategy, fiscal year,
# revision in force, indicators with their tree, indicator chains, this year's and last year's
# results
ENTRY_QUERIES = 12
# session, user, permissions (2), memberships and departments (2), strategy, fiscal years,
# adopted revisions, indicators, result counts per year
INDEX_QUERIES = 11


@pytest.mark.parametrize(("page", "expected"), [("entry", ENTRY_QUERIES), ("index", INDEX_QUERIES)])
def test_the_pages_run_the_same_number_of_queries_whatever_the_data_size(
    client, nemuro, department, warm_caches, django_assert_num_queries, page, expected
):
    url = entry_url(2017) if page == "entry" else index_url()
    client.force_login(department)
    with django_assert_num_queries(expected):
        small = client.get(url)
    grow_strategy(nemuro, 20)
    with django_assert_num_queries(expected):
        large = client.get(url)
    if page == "entry":
        assert len(small.context["formset"].forms) == 51
        assert len(large.context["formset"].forms) == 91


def test_a_tampered_form_count_is_refused_without_building_extra_rows(as_user, department):
    client = as_user(department)
    page = load(client)
    page.fields["form-TOTAL_FORMS"] = "2000"
    before = Achievement.objects.count()
    response = client.post(entry_url(2017), page.fields)
    assert response.status_code == 200
    assert "最大で 51 個のフォームを送信してください。" in response.content.decode()
    assert len(response.context["formset"].forms) == 51  # never 2000
    assert Achievement.objects.count() == before


def test_the_service_applies_the_models_check_constraints_without_the_database(nemuro, department):
    from kpi.entry.save import RowErrors, RowInput, achievements_save_year

    with pytest.raises(RowErrors) as refusal:
        achievements_save_year(
            strategy=nemuro,
            fiscal_year=FiscalYear.objects.get(strategy=nemuro, year=2017),
            rows=[
                RowInput(
                    indicator=Indicator.objects.get(code="G3-1"),
                    version="",
                    value=Decimal(3),
                    state=Achievement.State.AGGREGATING,
                )
            ],
            user=department,
        )
    [error] = refusal.value.errors.values()
    assert "集計中・未集計の年度には数値を入力できません。" in str(error)
    assert not h29_results().filter(indicator__code="G3-1").exists()


def test_saving_every_row_of_a_year_takes_a_fixed_number_of_queries(
    nemuro, department, django_assert_max_num_queries
):
    """Bulk writes: the same handful of queries for the whole page (first entry, then a change
    of every row), with one history row per result written."""
    from kpi.entry.page import version_of, year_entry_page
    from kpi.entry.save import RowInput, achievements_save_year

    for value, kind in [(Decimal(7), "+"), (Decimal(8), "~")]:
        page = year_entry_page(nemuro, 2017)
        rows = [
            RowInput(
                indicator=row.indicator,
                version=version_of(row.current),
                value=value,
                cumulative=value + 2 if row.indicator.kind == "cumulative" else None,
            )
            for row in page.rows
        ]
        history_before = Achievement.history.filter(history_type=kind).count()
        with django_assert_max_num_queries(8):
            saved = achievements_save_year(
                strategy=nemuro, fiscal_year=page.fiscal_year, rows=rows, user=department
            )
        assert saved.saved == len(rows) > 40
        assert Achievement.history.filter(history_type=kind).count() == (
            history_before + saved.saved
        )
        assert set(h29_results().values_list("value", flat=True)) == {value}
    assert saved.updated == len(rows)
    assert Achievement.history.filter(history_user=department).count() == 2 * len(rows)


# --- departments -------------------------------------------------------------------------------


@pytest.fixture
def first_department_member(department, nemuro_departments):
    """The department member, now in 第一課 only (goals 1 and 2; 第二課 has goal 3)."""
    from tests.conftest import member_of

    return member_of(department, nemuro_departments[0])


def test_a_department_member_sees_only_their_departments_indicators(
    as_user, first_department_member
):
    page = as_user(first_department_member).get(entry_url(2017)).context["page"]
    codes = {row.indicator.code for row in page.rows}
    assert "G1-1" in codes and "1ア①-1" in codes  # goal 1: 第一課
    assert not any(code.startswith(("G3-", "3")) for code in codes)  # goal 3: 第二課
    expected = Indicator.objects.filter(
        Indicator.department_q({first_department_member.memberships.get().departments.get().pk}),
        strategy__slug=SLUG,
    ).in_force_at(page.revision)
    assert codes == {i.code for i in expected}


def test_a_row_of_another_departments_indicator_is_refused_and_nothing_is_saved(
    as_user, first_department_member, secretariat
):
    own = load(as_user(secretariat))  # the secretariat's page holds every indicator
    theirs = own.prefix["3ウ①-1"]
    mine = load(as_user(first_department_member))
    mine.type("1ア①-1", value="2")  # a valid change of their own …
    # … and a row forged from the secretariat's page: goal 3 belongs to 第二課
    mine.fields["form-0-indicator"] = own.fields[f"{theirs}-indicator"]
    mine.fields["form-0-value"] = "9"
    before = list(h29_results().values_list("pk", "value", "state"))
    client = as_user(first_department_member)
    response = client.post(entry_url(2017), mine.fields)
    assert response.status_code == 200
    assert "担当課の指標だけを入力できます" in response.content.decode()
    assert list(h29_results().values_list("pk", "value", "state")) == before


def test_the_index_counts_only_the_departments_indicators(as_user, first_department_member):
    years = as_user(first_department_member).get(index_url()).context["years"]
    h29 = next(status for status in years if status.fiscal_year.year == 2017)
    everything = Indicator.objects.filter(strategy__slug=SLUG).in_force_in_year(
        h29.fiscal_year.strategy, 2017
    )
    assert 0 < h29.indicators < everything.count()
