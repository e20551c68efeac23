from django.core.management.base import BaseCommand, CommandError

from nemuro_strategy.data.seeding import SeedError, seed_load


class Command(BaseCommand):
    help = "種データ（fixtures/<name>/ の転記）を読み込みます。何度実行しても結果は同じです。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--name", default="nemuro", help="fixtures/ の下のフォルダ名（既定: nemuro）"
        )

    def handle(self, *args, name, **options):
        try:
            report = seed_load(name=name)
        except SeedError as exc:
            raise CommandError(f"種データを読み込めませんでした: {exc}") from exc
        for line in report.lines():
            self.stdout.write(line)
        if report.changed:
            self.stdout.write(
                self.style.SUCCESS(f"読み込み完了: {report.changed}件を追加・更新しました。")
            )
        else:
            self.stdout.write(
                self.style.SUCCESS("読み込み完了: 変更はありません（既に最新です）。")
            )
