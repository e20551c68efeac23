"""The secretariat enters the 推進本部's internal verdicts: choose a year, see every measure in force
with its reference grade and verdict, open one measure with its KPI evidence (unpublished years
included) and its reference grade's inputs, and record a verdict under the rules."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kpi.models import Achievement, Indicator
from strategy.models import FiscalYear, Measure
from tests.factory import grow_strategy
from verification.models import GradingPolicy, InternalReview
from verification.services import internal_review_record

SLUG = "nemuro-sousei-2015"
INDEX_URL = reverse("staff:internal_review_index", kwargs={"slug": SLUG})
ISSUES_REQUIRED = "C・D の場合は今後の課題と対応方向を入力してください。"


def year_url(year: int) -> str:
    return reverse("staff:internal_review_year", kwargs={"slug": SLUG, "year": year})


def edit_url(year: int, code: str) -> str:
    return reverse("staff:internal_review_edit", kwargs={"slug": SLUG, "year": year, "code": code})


def reason_required(reference: str) -> str:
    return f"参考評価（{reference}）と異なる評価にする理由を入力してください。"


def fiscal_year(strategy, value: int) -> FiscalYear:
    return FiscalYear.objects.get(strategy=strategy, year=value)


def measure(strategy, code: str) -> Measure:
    return Measure.objects.select_related("strategy").get(strategy=strategy, code=code)


def verdict(code: str, year: int) -> InternalReview | None:
    return InternalReview.objects.filter(measure__code=code, fiscal_year__year=year).first()


@pytest.fixture
def secretariat_client(as_user, secretariat):
    return as_user(secretariat)


@pytest.fixture
def h29_result(nemuro):
    """An H29 (unpublished) result for 3ア①-1: 5件 → 10件, 8件 at H29 — on schedule (A)."""
    return Achievement.objects.create(
        indicator=Indicator.objects.get(strategy=nemuro, code="3ア①-1"),
        fiscal_year=fiscal_year(nemuro, 2017),
        value=Decimal("8"),
        note="担当課の速報値",
    )


# --- Who may enter verdicts --------------------------------------------------------------------

URLS = [INDEX_URL, year_url(2016), edit_url(2016, "3イ②")]


@pytest.mark.parametrize("role", ["department", "panel_member"])
def test_department_staff_and_panel_members_get_403(request, as_user, nemuro, role):
    client = as_user(request.getfixturevalue(role))
    for url in URLS:
        assert client.get(url).status_code == 403, url
    response = client.post(edit_url(2016, "3イ②"), {"grade": "D", "issues": "遅れ"})
    assert response.status_code == 403
    assert verdict("3イ②", 2016).grade == "A"


@pytest.mark.parametrize("url", URLS)
def test_anonymous_visitors_are_sent_to_the_login_page(client, nemuro, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_anonymous_posts_change_nothing(client, nemuro):
    response = client.post(edit_url(2016, "3イ②"), {"grade": "D", "issues": "遅れ"})
    assert response.status_code == 302
    assert verdict("3イ②", 2016).grade == "A"


# --- Index and year page -----------------------------------------------------------------------


def test_the_index_lists_every_year_with_its_verdict_count(secretariat_client, nemuro):
    response = secretariat_client.get(INDEX_URL)

    assert response.status_code == 200
    counts = {fy.year: fy.review_count for fy in response.context["years"]}
    assert counts == {2015: 9, 2016: 9, 2017: 0, 2018: 0, 2019: 0}
    html = response.content.decode()
    assert f'href="{year_url(2017)}"' in html and "平成29年度（H29）" in html
    assert '<span aria-current="page">内部検証結果の入力</span>' in html


def test_the_year_page_lists_every_measure_in_force_with_reference_grade_and_verdict(
    secretariat_client, nemuro
):
    response = secretariat_client.get(year_url(2016))

    assert response.status_code == 200
    lines = {line.measure.code: line for line in response.context["lines"]}
    assert len(lines) == 16 and "3ウ①" not in lines  # 3ウ① comes with the 2017 revision
    assert (lines["3イ②"].reference.grade, lines["3イ②"].review.grade) == ("A", "A")
    assert (lines["1イ①"].reference.grade, lines["1イ①"].review.grade) == ("C", "B")
    assert lines["1イ①"].differs and not lines["3イ②"].differs
    assert lines["2ア①"].reference.grade is None and lines["2ア①"].review is None
    html = response.content.decode()
    assert f'href="{edit_url(2016, "3イ②")}"' in html
    assert "3イ②の検証結果を編集" in html and "2ア①の検証結果を入力" in html
    assert "この年度までに実績のある指標がないため" in html
    assert '<th scope="col">参考評価（比率）</th>' in html and "<caption>" in html
    goals = {line.goal.number: line.reference for line in response.context["goals"]}
    assert goals[3].grade == "B" and goals[2].grade is None  # mean 0.50, see test_grading


def test_an_unpublished_year_lists_the_measures_of_its_revision_with_unpublished_results(
    secretariat_client, nemuro, h29_result
):
    response = secretariat_client.get(year_url(2017))

    lines = {line.measure.code: line for line in response.context["lines"]}
    assert len(lines) == 17 and "3ウ①" in lines
    assert lines["3ア①"].reference.grade == "A" and lines["3ア①"].review is None
    assert "この年度は未公表です。" in response.content.decode()


def test_a_year_outside_the_period_is_not_found(secretariat_client, nemuro):
    assert secretariat_client.get(year_url(2020)).status_code == 404
    assert secretariat_client.get(edit_url(2020, "3イ②")).status_code == 404


def test_the_year_page_runs_the_same_number_of_queries_whatever_the_data_size(
    secretariat_client, nemuro, warm_caches
):
    with CaptureQueriesContext(connection) as small:
        assert secretariat_client.get(year_url(2016)).status_code == 200
    grow_strategy(nemuro, 25)
    with CaptureQueriesContext(connection) as large:
        assert secretariat_client.get(year_url(2016)).status_code == 200
    # session, user, the user's and the groups' permissions, strategy, fiscal year; the grades:
    # revision in force, measures, goals, indicators, grading policy, fiscal years, indicator
    # chains, results; the measures' wording at that revision (amendments), the year's verdicts;
    # the user's groups (header)
    assert len(small) == len(large) == 17, [q["sql"][:60] for q in large.captured_queries]


# --- The entry page ----------------------------------------------------------------------------


def test_the_entry_page_shows_the_evidence_the_reference_grade_and_the_verdict_so_far(
    secretariat_client, nemuro
):
    response = secretariat_client.get(edit_url(2016, "3イ②"))

    assert response.status_code == 200
    html = response.content.decode()
    # the KPI table up to H28 (no H29 column), with the printed 累計
    assert [cell.fiscal_year.year for cell in response.context["rows"][0].cells] == [2015, 2016]
    assert "ふるさと納税制度を活用した寄附受納額" in html and "(累計46.0億円)" in html
    # the reference grade with its inputs and formula
    assert '参考評価：<span class="grade">A</span> A 順調に進んでいる（比率 1.00）' in html
    assert "（1.00 + 1.00 + 1.00）÷ 3 = 1.00" in html
    assert "（上限前 11.50）" in html
    assert "累計 ÷ 目標値" in html and "期間の経過割合：40.0%" in html
    assert "A：1.0 以上、B：0.4 以上、C：0.2 以上、D：0.2 未満" in html
    # the form holds the verdict so far
    form = response.context["form"]
    assert form.initial["grade"] == "A" and form.initial["issues"].startswith("ふるさと納税の実績")
    assert 'value="A" id="id_grade_0" checked' in html
    assert "<legend>検証結果（必須）" in html and '<label for="id_issues">' in html


def test_the_entry_page_of_an_unpublished_year_shows_its_unpublished_results(
    secretariat_client, nemuro, h29_result
):
    response = secretariat_client.get(edit_url(2017, "3ア①"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "8件" in html and "(担当課の速報値)" in html
    assert '<span class="note">未公表</span>' in html  # the H29 column is marked
    assert response.context["reference"].grade == "A"
    assert response.context["form"].initial == {}


def test_a_measure_not_in_force_that_year_is_not_found(secretariat_client, nemuro):
    assert secretariat_client.get(edit_url(2016, "3ウ①")).status_code == 404
    assert secretariat_client.get(edit_url(2017, "3ウ①")).status_code == 200
    assert secretariat_client.get(edit_url(2016, "9ア①")).status_code == 404


# --- Recording a verdict -----------------------------------------------------------------------


def test_a_verdict_is_recorded_with_its_reference_grade_and_the_user_in_its_history(
    secretariat_client, secretariat, nemuro, h29_result
):
    response = secretariat_client.post(
        edit_url(2017, "3ア①"), {"grade": "A", "issues": "  順調に推移している。 "}
    )

    assert response.status_code == 302 and response["Location"] == year_url(2017)
    review = verdict("3ア①", 2017)
    assert (review.grade, review.reference_grade, review.issues) == (
        "A",
        "A",
        "順調に推移している。",
    )
    assert review.history.latest().history_user == secretariat
    page = secretariat_client.get(response["Location"])
    assert "3ア① の平成29年度の内部検証結果を保存しました。" in page.content.decode()


def test_a_c_or_d_needs_the_issues_and_the_page_keeps_what_was_typed(secretariat_client, nemuro):
    response = secretariat_client.post(
        edit_url(2016, "3ア①"), {"grade": "D", "issues": "  ", "departure_reason": "判断の理由"}
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["issues"] == [ISSUES_REQUIRED]
    html = response.content.decode()
    assert ISSUES_REQUIRED in html and 'aria-invalid="true"' in html
    assert 'value="D" id="id_grade_3" checked' in html and ">\n判断の理由</textarea>" in html
    assert verdict("3ア①", 2016).grade == "C"  # unchanged


def test_a_grade_other_than_the_reference_needs_a_reason(secretariat_client, nemuro):
    url = edit_url(2016, "3イ②")  # reference grade A
    response = secretariat_client.post(url, {"grade": "B", "issues": "ふるさと納税が伸び悩み"})

    assert response.context["form"].errors["departure_reason"] == [reason_required("A")]
    assert reason_required("A") in response.content.decode()
    assert ">\nふるさと納税が伸び悩み</textarea>" in response.content.decode()
    assert verdict("3イ②", 2016).grade == "A"

    response = secretariat_client.post(
        url, {"grade": "B", "issues": "伸び悩み", "departure_reason": "寄附の一時的な集中のため"}
    )
    assert response.status_code == 302
    review = verdict("3イ②", 2016)
    assert (review.grade, review.reference_grade) == ("B", "A")
    assert review.departure_reason == "寄附の一時的な集中のため"


def test_a_grade_needs_to_be_chosen(secretariat_client, nemuro):
    response = secretariat_client.post(edit_url(2016, "3イ②"), {"issues": "x"})
    assert response.context["form"].errors["grade"] == ["検証結果（A〜D）を選んでください。"]
    assert secretariat_client.post(edit_url(2016, "3イ②"), {"grade": "E"}).status_code == 200
    assert verdict("3イ②", 2016).grade == "A"


def test_without_a_reference_grade_no_reason_is_asked_for(secretariat_client, nemuro):
    response = secretariat_client.post(edit_url(2016, "2ア①"), {"grade": "B"})

    assert response.status_code == 302
    review = verdict("2ア①", 2016)
    assert (review.grade, review.reference_grade, review.departure_reason) == ("B", "", "")


# --- The service -------------------------------------------------------------------------------


def test_the_service_applies_the_same_rules(nemuro, secretariat):
    m, h28 = measure(nemuro, "3イ②"), fiscal_year(nemuro, 2016)
    with pytest.raises(ValidationError) as raised:
        internal_review_record(measure=m, fiscal_year=h28, grade="C", issues="", user=secretariat)
    codes = {field: [e.code for e in errors] for field, errors in raised.value.error_dict.items()}
    assert codes == {"issues": ["issues_required"], "departure_reason": ["reason_required"]}
    assert raised.value.message_dict["departure_reason"] == [reason_required("A")]
    assert verdict("3イ②", 2016).grade == "A"


def test_the_reference_grade_is_stored_as_it_was_at_save_time(nemuro, secretariat):
    m, h28 = measure(nemuro, "1ア②"), fiscal_year(nemuro, 2016)
    review = internal_review_record(
        measure=m, fiscal_year=h28, grade="B", issues="計画どおり", user=secretariat
    )
    assert review.reference_grade == "B"  # ratio 0.47
    # the policy changes afterwards: the same ratio 0.47 is now an A
    GradingPolicy.objects.filter(strategy=nemuro).update(a_min=Decimal("0.45"))
    review.refresh_from_db()
    assert review.reference_grade == "B"  # what the secretariat saw when it decided
    with pytest.raises(ValidationError) as raised:
        internal_review_record(
            measure=m, fiscal_year=h28, grade="B", issues="計画どおり", user=secretariat
        )
    assert raised.value.message_dict == {"departure_reason": [reason_required("A")]}
    review = internal_review_record(
        measure=m,
        fiscal_year=h28,
        grade="B",
        issues="計画どおり",
        departure_reason="保育料軽減の対象拡大は道の事業を待つため",
        user=secretariat,
    )
    assert review.reference_grade == "A"
    assert InternalReview.objects.filter(measure=m, fiscal_year=h28).count() == 1
    assert [h.history_user for h in review.history.order_by("history_date")][-2:] == [
        secretariat,
        secretariat,
    ]
