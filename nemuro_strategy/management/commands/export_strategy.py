"""manage.py export_strategy SLUG FILE: one strategy, whole, as JSON with natural keys."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from nemuro_strategy.data.transfer import strategy_export_json
from strategy.models import Strategy


class Command(BaseCommand):
    help = "総合戦略を一式（構成・改定・実績・検証・事業量・公表）JSONファイルに書き出します。"

    def add_arguments(self, parser):
        parser.add_argument("slug", help="書き出す総合戦略のスラッグ")
        parser.add_argument("file", help="書き出すファイル（- で標準出力）")

    def handle(self, *args, slug, file, **options):
        strategy = Strategy.objects.filter(slug=slug).first()
        if strategy is None:
            raise CommandError(f"スラッグ「{slug}」の総合戦略はありません。")
        text = strategy_export_json(strategy)
        if file == "-":
            self.stdout.write(text)
            return
        Path(file).write_text(text, encoding="utf-8")
        self.stdout.write(f"{strategy.name}を {file} に書き出しました。")
