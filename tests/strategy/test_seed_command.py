"""python manage.py seed: loads everything, twice changes nothing, a broken fixture changes nothing."""

import shutil
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from nemuro_strategy.data.seeding import FIXTURES_DIR, SeedError, seed_load

APPS = ("strategy", "kpi", "verification")


def snapshot() -> dict:
    rows = {}
    for app in APPS:
        for model in apps.get_app_config(app).get_models():
            rows[model._meta.label] = sorted(
                (tuple(sorted(row.items())) for row in model.objects.values()), key=repr
            )
    return rows


def test_seeding_twice_changes_nothing(nemuro):
    before = snapshot()
    report = seed_load()
    assert report.changed == 0
    assert snapshot() == before


def test_the_command_prints_what_it_loaded(nemuro):
    out = StringIO()
    call_command("seed", stdout=out)
    text = out.getvalue()
    assert "指標（数値目標・KPI）: 53件（新規 0・更新 0・変更なし 53）" in text
    assert "実績: 50件" in text
    assert "変更はありません" in text


def test_a_broken_fixture_is_refused_and_changes_nothing(nemuro, tmp_path):
    broken = tmp_path / "nemuro"
    shutil.copytree(FIXTURES_DIR / "nemuro", broken)
    report = broken / "report_h28.yaml"
    report.write_text(
        report.read_text(encoding="utf-8").replace("indicator: G3-3,", "indicator: G9-9,", 1),
        encoding="utf-8",
    )
    strategy_file = broken / "strategy.yaml"
    strategy_file.write_text(
        strategy_file.read_text(encoding="utf-8").replace(
            "根室市創生総合戦略", "書き換えた名称", 1
        ),
        encoding="utf-8",
    )
    before = snapshot()
    with pytest.raises(SeedError, match="G9-9"):
        seed_load(directory=broken)
    assert snapshot() == before


def test_the_command_reports_a_missing_fixture_in_japanese(db):
    with pytest.raises(CommandError, match="種データを読み込めませんでした"):
        call_command("seed", name="no-such-city")
