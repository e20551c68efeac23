"""Accessibility (axe-core, WCAG 2.1 A/AA) and HTML validity (vnu) of every public page type.

With NEMURO_WRITE_A11Y_RESULTS=1 a passing axe run writes docs/accessibility-results.json, which
the public アクセシビリティ方針 page shows."""

import datetime
import json
import os
import subprocess
from urllib.parse import quote

import pytest

from .conftest import AXE_JS, ROOT, SLUG, VNU_JAR, login, require

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
RESULTS_FILE = ROOT / "docs" / "accessibility-results.json"
PAGE_TYPES = {
    "トップ": f"/s/{SLUG}/",
    "基本目標": f"/s/{SLUG}/goals/1/",
    "施策": f"/s/{SLUG}/measures/{quote('3ウ①')}/",
    "指標": f"/s/{SLUG}/indicators/{quote('3ウ①-1')}/",
    "事業一覧": f"/s/{SLUG}/projects/",
    "改訂の履歴": f"/s/{SLUG}/revisions/",
    "改訂時点の構成": f"/s/{SLUG}/revisions/1/",
    "オープンデータ": f"/s/{SLUG}/opendata/",
    "効果検証調書の一覧": f"/s/{SLUG}/reports/",
    "効果検証調書（H28）": f"/s/{SLUG}/reports/2016/",
    "アクセシビリティ方針": "/accessibility/",
    "総合戦略の一覧": "/strategies/",
    "ログイン": "/accounts/login/",
}
# Pages answered with another status than 200, checked all the same.
STATUS = {"ページが見つかりません": 404}
NOT_FOUND = {"ページが見つかりません": f"/s/{SLUG}/goals/9/"}
# The staff screens (beyond the public scope of the policy page, held to the same rules), opened
# as the secretariat, who sees them all.
STAFF_PAGE_TYPES = {
    "職員ページ": "/staff/",
    "実績の入力": f"/staff/s/{SLUG}/entry/2017/",
    "Excel取込": f"/staff/s/{SLUG}/import/",
    "公表": f"/staff/s/{SLUG}/publication/",
    "公表前の確認": f"/staff/s/{SLUG}/publication/2017/",
    "実績の照会": f"/staff/s/{SLUG}/calls/2017/",
    "最近の変更": f"/staff/s/{SLUG}/changes/",
    "内部検証の一覧": f"/staff/s/{SLUG}/internal/2016/",
    "内部検証の入力": f"/staff/s/{SLUG}/internal/2016/{quote('3イ②')}/",
    "有識者会議の検証": f"/staff/s/{SLUG}/panel/2017/goals/1/",
    "パスワードの変更": "/accounts/password_change/",
    "効果検証調書のプレビュー（H29）": f"/s/{SLUG}/reports/2017/",
}


def _describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        targets = [" ".join(node["target"]) for node in v["nodes"][:5]]
        lines.append(f"  {v['id']} ({v['impact']}): {v['help']} — {targets}")
    return "\n".join(lines)


def run_axe(page, base_url: str, pages: dict[str, str]) -> str:
    """axe-core on each page; fails listing every violation; returns axe's version."""
    require(AXE_JS)
    axe = AXE_JS.read_text(encoding="utf-8")
    found = {}
    for name, path in pages.items():
        response = page.goto(base_url + path)
        assert response.status == STATUS.get(name, 200), (name, response.status)
        # evaluated through the DevTools protocol: the page's Content-Security-Policy (no inline
        # script) stays enforced while axe runs, unlike an injected <script> element
        page.evaluate(axe)
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
        )
        assert result["passes"], name  # the rules did run
        if result["violations"]:
            found[name] = result["violations"]
        version = result["testEngine"]["version"]
    assert not found, "axe-core violations:\n" + "\n".join(
        f"{name} {pages[name]}:\n{_describe(v)}" for name, v in found.items()
    )
    return version


def test_every_staff_page_type_has_no_axe_violations(seeded, new_page, make_user):
    make_user("事務局", "jimukyoku")
    page = new_page()
    login(page, seeded.url, "jimukyoku")
    run_axe(page, seeded.url, STAFF_PAGE_TYPES)


def test_every_public_page_type_has_no_axe_violations(seeded, new_page):
    version = run_axe(new_page(), seeded.url, {**PAGE_TYPES, **NOT_FOUND})
    if os.environ.get("NEMURO_WRITE_A11Y_RESULTS"):
        results = {
            "date": datetime.date.today().isoformat(),
            "tool": "axe-core",
            "axe_version": version,
            "tags": AXE_TAGS,
            "pages": list(PAGE_TYPES),
            "violations": 0,
            "summary": "axe-core で全ページ種別 違反0件",
        }
        RESULTS_FILE.parent.mkdir(exist_ok=True)
        RESULTS_FILE.write_text(
            json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )


def test_every_page_type_is_valid_html(seeded, new_page, make_user, tmp_path):
    """Public pages as a citizen gets them, staff pages as the secretariat: one vnu run."""
    require(VNU_JAR, "java")
    make_user("事務局", "jimukyoku")
    citizen, staff = new_page(), new_page()
    login(staff, seeded.url, "jimukyoku")
    files = []
    visits = [(citizen, n, p) for n, p in {**PAGE_TYPES, **NOT_FOUND}.items()]
    visits += [(staff, n, p) for n, p in STAFF_PAGE_TYPES.items()]
    for number, (browser_page, name, path) in enumerate(visits):
        response = browser_page.request.get(seeded.url + path)
        assert response.status == STATUS.get(name, 200), name
        target = tmp_path / f"{number:02d}.html"
        target.write_bytes(response.body())
        files.append((name, target))
    run = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--format", "json", "--errors-only"]
        + [str(f) for _, f in files],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    messages = json.loads(run.stderr or run.stdout or '{"messages": []}')["messages"]
    by_file = {str(f): name for name, f in files}
    errors = [
        f"{by_file.get(m.get('url', '').removeprefix('file:'), m.get('url'))} "
        f"line {m.get('lastLine')}: {m.get('message')} «{m.get('extract', '').strip()}»"
        for m in messages
        if m.get("type") == "error" or m.get("subType") == "fatal"
    ]
    assert not errors, "vnu errors:\n" + "\n".join(errors)
    assert run.returncode == 0, run.stderr[-2000:]


def test_the_policy_page_states_the_level_the_scope_and_the_latest_result(seeded, new_page):
    page = new_page()
    page.goto(seeded.url + "/")
    page.get_by_role("link", name="アクセシビリティ方針").click()
    text = page.locator("main").inner_text()
    assert "JIS X 8341-3:2016" in text and "適合レベル AA" in text
    assert "対象範囲" in text
    recorded = json.loads(RESULTS_FILE.read_text(encoding="utf-8"))
    assert recorded["date"] in text and "axe-core で全ページ種別 違反0件" in text
