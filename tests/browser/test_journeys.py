"""Three journeys through the live site in Chromium: a citizen reading an indicator, department
staff entering a year's results, and a panel verdict reaching the public after publication."""

import csv
import io
import re
from decimal import Decimal

import pytest

from .conftest import SLUG, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_citizen_reads_the_furusato_nozei_indicator_and_downloads_its_csv(seeded, new_page):
    page = new_page()
    page.goto(f"{seeded.url}/")
    page.get_by_role("link", name="基本目標-3").click()
    page.get_by_role("link", name=re.compile("ふるさと納税制度の推進")).click()
    page.get_by_role("link", name=re.compile("ふるさと納税制度を活用した寄附受納額")).first.click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("ふるさと納税")
    assert "/indicators/3" in page.url

    chart = page.locator("figure img").first
    chart.scroll_into_view_if_needed()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=chart.element_handle()
    )
    assert chart.evaluate("img => img.naturalWidth") > 0
    table = page.locator("table").first.inner_text()
    assert "12.9億円" in table and "33.1億円" in table

    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile("CSVでダウンロード")).click()
    download = info.value
    assert download.suggested_filename.endswith(".csv")
    text = open(download.path(), encoding="utf-8-sig").read()
    rows = {r["年度表記"]: r["実績値"] for r in csv.DictReader(io.StringIO(text))}
    assert rows == {"H27": "12.9", "H28": "33.1"}


def _row_input(page, code: str, field: str):
    """The input of one field in the row whose header starts with the indicator's code."""
    row = page.locator(
        "tr", has=page.locator("th .code", has_text=re.compile(f"^{re.escape(code)}$"))
    )
    return row.locator(f"[name$='-{field}']:not([type=hidden])")


def test_department_staff_enter_h29_results_fix_an_error_and_save(seeded, new_page, make_user):
    make_user("担当課", "tantouka")
    page = new_page()
    login(page, seeded.url, "tantouka")
    page.goto(f"{seeded.url}/staff/s/{SLUG}/entry/2017/")
    assert "の実績の入力" in page.get_by_role("heading", level=1).inner_text()

    _row_input(page, "G1-1", "value").fill("1.55")
    _row_input(page, "G1-2", "state").select_option(label="集計中")
    _row_input(page, "1ア①-1", "value").fill("約1.5")
    page.get_by_role("button", name=re.compile("の実績を保存")).click()

    summary = page.get_by_role("alert")
    assert "保存できませんでした" in summary.inner_text()
    assert "数値で入力してください。" in summary.inner_text()
    field = _row_input(page, "1ア①-1", "value")
    assert field.get_attribute("aria-invalid") == "true"
    assert field.input_value() == "約1.5"  # what was typed is kept

    field.fill("３２")  # full-width digits are accepted (32: no jump from H28's 64)
    page.get_by_role("button", name=re.compile("の実績を保存")).click()
    status = page.get_by_role("status").inner_text()
    assert "H29の実績を保存しました" in status and "新規 3件" in status

    from kpi.models import Achievement

    saved = {
        a.indicator.code: (a.state, a.value)
        for a in Achievement.objects.filter(fiscal_year__year=2017).select_related("indicator")
        if a.indicator.code in {"G1-1", "G1-2", "1ア①-1"}
    }
    assert saved == {
        "G1-1": ("recorded", Decimal("1.55")),
        "G1-2": ("aggregating", None),
        "1ア①-1": ("recorded", Decimal("32")),
    }


def test_a_panel_verdict_reaches_the_public_only_after_h29_is_published(
    seeded, new_page, make_user
):
    make_user("有識者", "yushikisha")
    make_user("事務局", "jimukyoku")
    goal_url = f"{seeded.url}/s/{SLUG}/goals/1/"
    review_url = f"{seeded.url}/staff/s/{SLUG}/panel/2017/goals/1/"
    # a department has entered one H29 value, so the public goal page has an H29 figure to hide
    from kpi.models import Achievement, Indicator
    from strategy.models import FiscalYear

    Achievement.objects.create(
        indicator=Indicator.objects.get(code="G1-1"),
        fiscal_year=FiscalYear.objects.get(strategy__slug=SLUG, year=2017),
        value="1.57",
    )

    citizen = new_page()
    citizen.goto(goal_url)
    before = citizen.locator("main").inner_text()
    assert "1.57" not in before and "平成29年度：" not in before

    member = new_page()
    login(member, seeded.url, "yushikisha")
    member.goto(review_url)
    own = member.locator("form", has=member.get_by_role("button", name="案を保存する"))
    own.get_by_label("B 概ね順調に進んでいる").check()
    own.get_by_label("付帯意見").fill("出生率は横ばい。子育て支援の周知を強化されたい。")
    own.get_by_label("意見等").fill(
        "保育所の待機児童解消を継続すること\n若年層の定住促進策を検討すること"
    )
    own.get_by_role("button", name="案を保存する").click()
    assert "検証結果の案を保存しました" in member.get_by_role("status").inner_text()

    secretariat = new_page()
    login(secretariat, seeded.url, "jimukyoku")
    secretariat.goto(review_url)
    secretariat.get_by_role("link", name="この案をもとに最終的な検証結果を入力する").click()
    record = secretariat.locator(
        "form", has=secretariat.get_by_role("button", name="最終的な検証結果を記録する")
    )
    assert record.get_by_label(
        "B 概ね順調に進んでいる"
    ).is_checked()  # started from the member's draft
    record.get_by_role("button", name="最終的な検証結果を記録する").click()
    assert "B" in secretariat.locator("#final + p .grade").inner_text()

    citizen.reload()
    assert "平成29年度：" not in citizen.locator("main").inner_text()  # recorded, not published

    secretariat.goto(f"{seeded.url}/staff/s/{SLUG}/publication/")
    secretariat.get_by_role("link", name="H29の公表前の確認へ").click()
    secretariat.get_by_label("上の確認結果を確認したうえで公表します").check()
    secretariat.get_by_label("未確認の項目があるまま公表する理由").fill("速報として公表する")
    secretariat.get_by_role("button", name="H29を公表する").click()
    assert "平成29年度を公表しました" in secretariat.get_by_role("status").inner_text()

    citizen.reload()
    after = citizen.locator("main").inner_text()
    assert "1.57" in after
    assert "出生率は横ばい。子育て支援の周知を強化されたい。" in after
    assert re.search(r"平成29年度：\s*B 概ね順調", after)


def _departments():
    """第一課 owns goals 1 and 2 (their measures and 数値目標), 第二課 goal 3: the seeds name no
    departments, so the journey makes two."""
    from kpi.models import Indicator
    from strategy.models import Department, Measure, Municipality

    nemuro = Municipality.objects.get(code="012238")
    first = Department.objects.create(municipality=nemuro, name="第一課", order=1)
    second = Department.objects.create(municipality=nemuro, name="第二課", order=2)
    measures = Measure.objects.filter(strategy__slug=SLUG)
    measures.filter(policy__goal__number__in=[1, 2]).update(department=first)
    measures.filter(policy__goal__number=3).update(department=second)
    goal_level = Indicator.objects.filter(strategy__slug=SLUG, measure=None)
    goal_level.filter(goal__number__in=[1, 2]).update(department=first)
    goal_level.filter(goal__number=3).update(department=second)
    return first, second


def test_a_year_goes_from_the_data_call_to_publication_and_a_correction(
    seeded, new_page, make_user
):
    """The secretariat opens H29's data call; 第一課 enters and submits; the secretariat returns
    it with a comment; 第一課 fixes and resubmits; accepted; the readiness check lists the gaps
    left; published with a reason; a citizen sees the value; 第二課 never sees 第一課's rows; a
    correction of the published value shows on the public 訂正履歴 page."""
    import datetime

    first, second = _departments()
    make_user("事務局", "jimukyoku")
    make_user("担当課", "daiichi", departments=[first])
    make_user("担当課", "daini", departments=[second])
    base = f"{seeded.url}/staff/s/{SLUG}"

    secretariat = new_page()
    login(secretariat, seeded.url, "jimukyoku")
    secretariat.goto(f"{base}/calls/")
    secretariat.get_by_role("link", name=re.compile("H29 平成29年度")).click()
    deadline = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
    secretariat.get_by_label(re.compile("提出期限")).fill(deadline)
    secretariat.get_by_role("button", name="H29の照会を開始する").click()
    assert "第一課" in secretariat.locator("main").inner_text()

    department = new_page()
    login(department, seeded.url, "daiichi")
    department.goto(f"{base}/my-tasks/")
    department.get_by_role("link", name="H29の実績を入力する").first.click()
    _row_input(department, "G1-1", "value").fill("1.55")
    department.get_by_role("button", name=re.compile("の実績を保存")).click()
    assert "H29の実績を保存しました" in department.get_by_role("status").inner_text()
    department.goto(f"{base}/my-tasks/")
    department.get_by_label(re.compile("未入力の指標が")).check()
    department.get_by_role("button", name="第一課のH29の実績を提出する").click()
    assert "提出済" in department.locator("main").inner_text()

    secretariat.goto(f"{base}/calls/2017/")
    secretariat.get_by_role("link", name="第一課の提出内容と記録").click()
    secretariat.get_by_label(re.compile("差戻し")).fill("1ア①-1 の実績も入力してください。")
    secretariat.get_by_role("button", name="第一課に差し戻す").click()

    department.goto(f"{base}/my-tasks/")
    assert "1ア①-1 の実績も入力してください。" in department.locator("main").inner_text()
    department.get_by_role("link", name="H29の実績を入力する").first.click()
    _row_input(department, "1ア①-1", "value").fill("12")
    department.get_by_role("button", name=re.compile("の実績を保存")).click()
    department.goto(f"{base}/my-tasks/")
    department.get_by_label(re.compile("未入力の指標が")).check()
    department.get_by_role("button", name="第一課のH29の実績を提出する").click()

    secretariat.goto(f"{base}/calls/2017/")
    secretariat.get_by_role("button", name="第一課を確認済みにする").click()
    assert "確認済" in secretariat.locator("main").inner_text()

    other = new_page()  # 第二課 never sees 第一課's rows
    login(other, seeded.url, "daini")
    other.goto(f"{base}/entry/2017/")
    codes = other.locator("th .code").all_inner_texts()
    assert codes and "G1-1" not in codes and "1ア①-1" not in codes
    assert all(code.startswith(("G3-", "3")) for code in codes)

    secretariat.goto(f"{base}/publication/")
    secretariat.get_by_role("link", name="H29の公表前の確認へ").click()
    check = secretariat.locator("main").inner_text()
    assert "第二課" in check  # not accepted: a gap the check lists
    secretariat.get_by_label("上の確認結果を確認したうえで公表します").check()
    secretariat.get_by_label("未確認の項目があるまま公表する理由").fill("第二課の実績は次回更新")
    secretariat.get_by_role("button", name="H29を公表する").click()
    assert "平成29年度を公表しました" in secretariat.get_by_role("status").inner_text()

    citizen = new_page()
    citizen.goto(f"{seeded.url}/s/{SLUG}/indicators/G1-1/")
    assert "1.55" in citizen.locator("main").inner_text()

    secretariat.goto(f"{base}/corrections/2017/indicators/G1-1/")
    secretariat.get_by_label("実績値").fill("1.56")
    secretariat.get_by_label("訂正理由").fill("確定値への更新")
    secretariat.get_by_role("button", name="訂正する").click()

    citizen.goto(f"{seeded.url}/s/{SLUG}/corrections/")
    history = citizen.locator("main").inner_text()
    assert "G1-1" in history and "確定値への更新" in history and "1.56" in history
    citizen.goto(f"{seeded.url}/s/{SLUG}/indicators/G1-1/")
    assert "1.56" in citizen.locator("main").inner_text()
