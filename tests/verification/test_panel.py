"""Panel members review each year and goal on one page with all its evidence, unpublished years
included; each drafts a verdict that the other members see; the secretariat records the final
verdict. Drafts never reach a public page, and a final verdict reaches one only once its year is
published."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from kpi.models import Achievement, Indicator
from strategy.models import BasicGoal, FiscalYear, Membership, Municipality
from tests.factory import grow_strategy
from verification.models import PanelDraft, PanelOpinion, PanelReview
from verification.services import panel_draft_save

SLUG = "nemuro-sousei-2015"
INDEX_URL = reverse("staff:panel_index", kwargs={"slug": SLUG})


def review_url(year: int, number: int) -> str:
    return reverse("staff:panel_review", kwargs={"slug": SLUG, "year": year, "number": number})


def record_url(year: int, number: int) -> str:
    return reverse("staff:panel_record", kwargs={"slug": SLUG, "year": year, "number": number})


def member(username: str, name: str = ""):
    user = get_user_model().objects.create_user(username, password="x", first_name=name)
    Membership.objects.create(
        user=user, municipality=Municipality.objects.get(code="012238"), role="有識者"
    )
    return user


def year(strategy, value: int) -> FiscalYear:
    return FiscalYear.objects.get(strategy=strategy, year=value)


def goal(strategy, number: int) -> BasicGoal:
    return BasicGoal.objects.get(strategy=strategy, number=number)


def html_of(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def shown_messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def draft_data(grade="", supplementary="", opinions=""):
    return {
        "draft-grade": grade,
        "draft-supplementary_opinion": supplementary,
        "draft-opinions": opinions,
    }


def record_data(grade="", supplementary="", opinions=""):
    return {
        "record-grade": grade,
        "record-supplementary_opinion": supplementary,
        "record-opinions": opinions,
    }


@pytest.fixture
def panel_client(as_user, panel_member):
    return as_user(panel_member)


# --- The index ---------------------------------------------------------------------------------


def test_the_index_shows_each_year_and_goal_with_its_drafts_and_final_verdict(
    panel_client, nemuro, panel_member
):
    other = member("iinn2", "委員二")
    target = {"goal": goal(nemuro, 1), "fiscal_year": year(nemuro, 2016)}
    panel_draft_save(**target, author=other, opinions=["案"])
    panel_draft_save(**target, author=panel_member, grade="B", opinions=[])
    html = html_of(panel_client.get(INDEX_URL))
    assert "<caption>" in html and '<th scope="col">基本目標3</th>' in html
    for label in ("平成27年度", "平成28年度", "平成29年度", "平成30年度"):
        assert label in html
    assert html.count("の検証ページ</a>") == 15  # 5 years × 3 goals
    assert review_url(2016, 1) in html
    # H27: the report's verdicts on goals 1 (B) and 3 (C); goal 2 has none
    assert html.count("（記録済み）") == 2
    assert "B 概ね順調に進んでいる</span>（記録済み）" in html
    assert "C やや遅れている</span>（記録済み）" in html
    assert "委員の案：2件（あなたの案あり）" in html
    assert html.count("委員の案：0件") == 14


# --- The evidence ------------------------------------------------------------------------------


def test_the_h28_page_for_goal_1_shows_all_the_evidence_of_that_year(panel_client, nemuro):
    html = html_of(panel_client.get(review_url(2016, 1)))
    # 数値目標: 合計特殊出生率 1.37 (H23) → 1.53 (H25 数値) → 1.53 (H26 数値)
    assert "合計特殊出生率" in html and "1.37" in html
    assert '1.53<span class="note">(H26 数値)</span>' in html
    assert '<th scope="col">H28</th>' in html and '<th scope="col">H29</th>' not in html
    # every measure with its KPIs, its H28 internal verdict and its 事業量
    assert "③保育施設の整備と多様な保育サービスの充実" in html
    assert "保育所適正配置計画の策定を完了し" in html
    assert "延長保育利用人数 延べ1,711人" in html
    assert "児童相談室における相談件数 延べ842件" in html
    assert "独身者の出会いの場に参加した人数" in html and "(累計100人)" in html
    assert "①安心して子どもを産み育てられる周産期医療と小児医療体制の整備" in html
    assert "策定（2015-10-30）の構成・文言で表示しています" in html
    assert "<caption>" in html and '<th scope="row">' in html


def test_the_h27_page_for_goal_3_shows_the_recorded_verdict(panel_client, nemuro):
    html = html_of(panel_client.get(review_url(2015, 3)))
    assert "C やや遅れている" in html
    assert (
        "平成28年度中に事務局において、情報共有のあり方や問題意識の共有について検討を行い" in html
    )
    assert "<li>基本的な協働意識の必要性</li>" in html
    # the evidence stops at H27, and the 2015 structure and wording are used
    assert '<th scope="col">H27</th>' in html and '<th scope="col">H28</th>' not in html
    assert "②地方創生の計画的な推進と財政運営" in html
    assert "(ウ) 地方創生の計画的な推進" not in html
    assert "この年度の効果検証に事業量の報告はありません。" in html  # the H28 report covers H27–H28


def test_a_year_under_the_2017_revision_shows_the_tree_as_revised_and_its_unpublished_results(
    panel_client, nemuro
):
    h29 = year(nemuro, 2017)
    Achievement.objects.create(
        indicator=Indicator.objects.get(strategy=nemuro, code="G1-1"),
        fiscal_year=h29,
        value=Decimal("1.77"),
    )
    html = html_of(panel_client.get(review_url(2017, 1)))
    assert "1.77" in html and "未公表" in html
    assert "この年度は未公表です" in html
    assert "1.77" not in html_of(panel_client.get(review_url(2016, 1)))
    html = html_of(panel_client.get(review_url(2017, 3)))
    assert "(ウ) 地方創生の計画的な推進" in html
    assert "②官民協働による地方創生の推進" in html
    # 3ウ①-1 carries the H27/H28 results of the 3イ② KPI it replaced, with its raised target
    assert "5年で総額100億円増加" in html and "33.1億円" in html


@pytest.mark.parametrize(("year_", "number"), [(2014, 1), (2020, 1), (2016, 9)])
def test_an_unknown_year_or_goal_is_404(panel_client, nemuro, year_, number):
    assert panel_client.get(review_url(year_, number)).status_code == 404


# --- Drafting ----------------------------------------------------------------------------------


def test_a_panel_member_drafts_and_another_member_sees_it(
    panel_client, as_user, nemuro, panel_member
):
    response = panel_client.post(
        review_url(2016, 1),
        draft_data(
            "B",
            "子育て支援の成果は見えつつある。",
            "産科医の確保に向けた取り組みの必要性\n\n  保育料無料化の対象拡大の必要性  ",
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == review_url(2016, 1) + "#own-draft"
    draft = PanelDraft.objects.get(author=panel_member)
    assert (draft.goal.number, draft.fiscal_year.year, draft.grade) == (1, 2016, "B")
    assert draft.opinion_lines == [
        "産科医の確保に向けた取り組みの必要性",
        "保育料無料化の対象拡大の必要性",
    ]
    assert draft.history.latest().history_user == panel_member

    other = as_user(member("iinn2", "委員二"))
    html = html_of(other.get(review_url(2016, 1)))
    assert "委員の案（1件）" in html
    assert "yushikisha</h3>" in html
    assert "子育て支援の成果は見えつつある。" in html
    assert "<li>保育料無料化の対象拡大の必要性</li>" in html
    assert "B 概ね順調に進んでいる" in html and "<time datetime=" in html
    # the other member's own form starts empty
    assert ">子育て支援の成果は見えつつある。</textarea>" not in html


def test_saving_again_updates_the_members_own_draft(panel_client, nemuro, panel_member):
    panel_client.post(review_url(2016, 1), draft_data("", "最初の案"))
    response = panel_client.post(review_url(2016, 1), draft_data("C", "見直した案", "意見"))
    assert "検証結果の案を保存しました。" in shown_messages(panel_client.get(response["Location"]))
    (draft,) = PanelDraft.objects.filter(author=panel_member)
    assert (draft.grade, draft.supplementary_opinion) == ("C", "見直した案")
    html = html_of(panel_client.get(review_url(2016, 1)))
    assert "見直した案</textarea>" in html and "（あなたの案）" in html
    assert 'value="C" id="id_draft-grade_3" checked' in html


def test_a_draft_with_an_invalid_grade_keeps_what_was_typed(panel_client, nemuro):
    response = panel_client.post(
        review_url(2016, 1), draft_data("E", "書きかけの付帯意見", "一行目")
    )
    html = html_of(response)
    assert "案を保存できませんでした。入力内容を確認してください。" in shown_messages(response)
    assert "検証結果は A・B・C・D または未定から選んでください。" in html
    assert 'id="id_draft-grade_error"' in html and 'aria-invalid="true"' in html
    assert "書きかけの付帯意見</textarea>" in html and "一行目</textarea>" in html
    assert not PanelDraft.objects.exists()


def test_an_empty_draft_is_refused(panel_client, nemuro):
    html = html_of(panel_client.post(review_url(2016, 1), draft_data("", "  ", "\n\n")))
    assert "検証結果・付帯意見・意見等のいずれかを入力してください。" in html
    assert not PanelDraft.objects.exists()


def test_department_staff_and_citizens_cannot_open_the_pages_or_draft(
    client, as_user, nemuro, department
):
    for url in (INDEX_URL, review_url(2016, 1)):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    response = client.post(review_url(2016, 1), draft_data("A", "市民"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    staff = as_user(department)
    assert staff.get(INDEX_URL).status_code == 403
    assert staff.get(review_url(2016, 1)).status_code == 403
    assert staff.post(review_url(2016, 1), draft_data("A", "担当課")).status_code == 403
    assert not PanelDraft.objects.exists()


# --- The final verdict -------------------------------------------------------------------------


def test_a_panel_member_cannot_record_the_final_verdict(panel_client, nemuro):
    html = html_of(panel_client.get(review_url(2016, 1)))
    assert "最終的な検証結果を記録する" not in html
    response = panel_client.post(record_url(2016, 1), record_data("A", "委員が記録"))
    assert response.status_code == 403
    assert not PanelReview.objects.filter(fiscal_year__year=2016).exists()


def test_the_secretariat_records_the_final_verdict_starting_from_a_members_draft(
    as_user, nemuro, secretariat, panel_member
):
    draft = panel_draft_save(
        goal=goal(nemuro, 1),
        fiscal_year=year(nemuro, 2016),
        author=panel_member,
        grade="B",
        supplementary_opinion="委員の付帯意見",
        opinions=["一つ目の意見", "二つ目の意見"],
    )
    client = as_user(secretariat)
    html = html_of(client.get(review_url(2016, 1) + f"?start={draft.pk}"))
    assert "yushikishaさんの案をもとに入力しています" in html
    assert 'value="B" required id="id_record-grade_1" checked' in html
    assert "委員の付帯意見</textarea>" in html and "一つ目の意見\n二つ目の意見</textarea>" in html

    response = client.post(
        record_url(2016, 1),
        record_data("B", "事務局で整理した付帯意見", "一つ目の意見\n二つ目の意見\n\n三つ目の意見"),
    )
    assert response.status_code == 302
    assert response["Location"] == review_url(2016, 1) + "#final"
    review = PanelReview.objects.get(goal__number=1, fiscal_year__year=2016)
    assert (review.grade, review.supplementary_opinion) == ("B", "事務局で整理した付帯意見")
    assert review.recorded_by == secretariat
    assert review.history.latest().history_user == secretariat
    assert list(review.opinions.values_list("position", "text")) == [
        (1, "一つ目の意見"),
        (2, "二つ目の意見"),
        (3, "三つ目の意見"),
    ]
    page = client.get(response["Location"])
    assert "有識者会議の検証結果を記録しました。" in shown_messages(page)[0]
    html = html_of(page)
    assert "記録：jimukyoku" in html and "<li>三つ目の意見</li>" in html

    # recording again replaces the opinions
    client.post(record_url(2016, 1), record_data("C", "改めた付帯意見", "ただ一つの意見"))
    review.refresh_from_db()
    assert review.grade == "C"
    assert list(review.opinions.values_list("position", "text")) == [(1, "ただ一つの意見")]
    assert PanelReview.objects.filter(goal__number=1, fiscal_year__year=2016).count() == 1


def test_the_final_verdict_needs_a_grade_and_keeps_what_was_typed(as_user, nemuro, secretariat):
    client = as_user(secretariat)
    response = client.post(record_url(2016, 1), record_data("", "書いた付帯意見", "書いた意見"))
    html = html_of(response)
    assert "検証結果を記録できませんでした。入力内容を確認してください。" in shown_messages(
        response
    )
    assert "検証結果（A〜D）を選んでください。" in html
    assert 'id="id_record-grade_error"' in html
    assert "書いた付帯意見</textarea>" in html and "書いた意見</textarea>" in html
    assert not PanelReview.objects.filter(fiscal_year__year=2016).exists()
    assert client.get(record_url(2016, 1)).status_code == 405


# --- Nothing leaks to the public ---------------------------------------------------------------


def test_drafts_never_appear_on_a_public_page(client, nemuro, panel_member):
    for fiscal_year in (2015, 2016):  # published years, both
        panel_draft_save(
            goal=goal(nemuro, 1),
            fiscal_year=year(nemuro, fiscal_year),
            author=panel_member,
            grade="D",
            supplementary_opinion=f"非公開の付帯意見{fiscal_year}",
            opinions=[f"非公開の意見{fiscal_year}"],
        )
    for url in (
        reverse("strategy:goal", kwargs={"slug": SLUG, "number": 1}),
        reverse("strategy:top", kwargs={"slug": SLUG}),
        reverse("strategy:measure", kwargs={"slug": SLUG, "code": "1ア①"}),
    ):
        html = html_of(client.get(url))
        assert "非公開の" not in html, url
        assert "D 遅れている" not in html, url


def test_a_final_verdict_of_an_unpublished_year_is_public_only_once_published(
    client, as_user, nemuro, secretariat
):
    as_user(secretariat).post(
        record_url(2017, 1), record_data("A", "平成29年度の付帯意見", "平成29年度の意見")
    )
    assert PanelReview.objects.filter(fiscal_year__year=2017).exists()
    client.logout()
    public = reverse("strategy:goal", kwargs={"slug": SLUG, "number": 1})
    assert "平成29年度の付帯意見" not in html_of(client.get(public))
    h29 = year(nemuro, 2017)
    h29.published_at = timezone.now()
    h29.save()
    html = html_of(client.get(public))
    assert "平成29年度の付帯意見" in html and "平成29年度の意見" in html


# --- Query counts ------------------------------------------------------------------------------


def _with_drafts_and_a_verdict(strategy, n: int) -> None:
    target = {"goal": goal(strategy, 1), "fiscal_year": year(strategy, 2016)}
    for i in range(n):
        panel_draft_save(
            **target, author=member(f"member{n}-{i}"), grade="B", opinions=[f"意見{i}"] * 3
        )
    review, _ = PanelReview.objects.get_or_create(**target, defaults={"grade": "B"})
    start = review.opinions.count()
    for i in range(n):
        PanelOpinion.objects.create(review=review, position=start + i + 1, text=f"意見{i}")


# session, user, the user's permissions (2), the strategy; panel_target: fiscal year, revision,
# goal; the page: policies, measures, indicators, their wording (amendments), fiscal years,
# indicator chains, results, internal verdicts, 事業量, 事業量 lines, drafts with authors, the
# final verdict, its opinions; the template: the user's groups.
REVIEW_QUERIES = 22


def test_the_review_page_runs_the_same_number_of_queries_whatever_the_data_size(
    panel_client, nemuro, warm_caches, django_assert_num_queries
):
    _with_drafts_and_a_verdict(nemuro, 2)
    with django_assert_num_queries(REVIEW_QUERIES):
        small = html_of(panel_client.get(review_url(2016, 1)))
    grow_strategy(nemuro, 20)
    _with_drafts_and_a_verdict(nemuro, 15)
    with django_assert_num_queries(REVIEW_QUERIES):
        large = html_of(panel_client.get(review_url(2016, 1)))
    assert "追加指標19" in large and "追加事業19" in large and "追加指標19" not in small
    assert "委員の案（17件）" in large


# session, user, the user's permissions (2), the strategy, fiscal years, revisions, goals, draft
# counts, final verdicts, the user's groups.
INDEX_QUERIES = 11


def test_the_index_runs_the_same_number_of_queries_whatever_the_data_size(
    panel_client, nemuro, warm_caches, django_assert_num_queries
):
    with django_assert_num_queries(INDEX_QUERIES):
        html_of(panel_client.get(INDEX_URL))
    grow_strategy(nemuro, 10)
    _with_drafts_and_a_verdict(nemuro, 10)
    with django_assert_num_queries(INDEX_QUERIES):
        assert "委員の案：10件" in html_of(panel_client.get(INDEX_URL))
