"""The public アクセシビリティ方針 page: the target level, the scope and the latest automated test
result, read from docs/accessibility-results.json (written by tests/browser/test_accessibility.py
when run with NEMURO_WRITE_A11Y_RESULTS=1)."""

import json
from pathlib import Path

from django.conf import settings
from django.shortcuts import render

from strategy.access import default_strategy

RESULTS_FILE = Path(settings.BASE_DIR) / "docs" / "accessibility-results.json"


def latest_results() -> dict | None:
    try:
        return json.loads(RESULTS_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def policy(request):
    return render(
        request,
        "accessibility.html",
        {
            "strategy": default_strategy(),
            "results": latest_results(),
            "breadcrumbs": [(None, "アクセシビリティ方針")],
        },
    )
