"""Accessibility (axe-core, WCAG 2.1 A/AA) and HTML validity (vnu) of every public page type.

With NEMURO_WRITE_A11Y_RESULTS=1 a passing axe run writes docs/accessibility-results.json, which
the public アクセシビリティ方針 page shows."""

import datetime
import json
import os
import subprocess
import urllib.request
from urllib.parse import quote

import pytest

from .conftest import AXE_JS, ROOT, SLUG, VNU_JAR, require

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
}


def _describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        targets = [" ".join(node["target"]) for node in v["nodes"][:5]]
        lines.append(f"  {v['id']} ({v['impact']}): {v['help']} — {targets}")
    return "\n".join(lines)


def test_every_public_page_type_has_no_axe_violations(seeded, new_page):
    require(AXE_JS)
    axe = AXE_JS.read_text(encoding="utf-8")
    page = new_page()
    found = {}
    for name, path in PAGE_TYPES.items():
        response = page.goto(seeded.url + path)
        assert response.status == 200, (name, response.status)
        page.add_script_tag(content=axe)
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
        )
        assert result["passes"], name  # the rules did run
        if result["violations"]:
            found[name] = result["violations"]
        version = result["testEngine"]["version"]
    assert not found, "axe-core violations:\n" + "\n".join(
        f"{name} {PAGE_TYPES[name]}:\n{_describe(v)}" for name, v in found.items()
    )
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


def test_every_public_page_type_is_valid_html(seeded, tmp_path):
    require(VNU_JAR, "java")
    files = []
    for number, (name, path) in enumerate(PAGE_TYPES.items()):
        with urllib.request.urlopen(seeded.url + path, timeout=30) as response:
            assert response.status == 200, name
            target = tmp_path / f"{number:02d}.html"
            target.write_bytes(response.read())
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
