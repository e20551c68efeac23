"""manage.py import_strategy FILE [--slug SLUG]: load an export_strategy file, all or nothing."""

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from nemuro_strategy.data.transfer import strategy_import


class Command(BaseCommand):
    help = "export_strategy で書き出した総合戦略を取り込みます（一つのトランザクションで、全部か無か）。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="export_strategy で書き出したファイル")
        parser.add_argument("--slug", help="別のスラッグで取り込むとき")

    def handle(self, *args, file, slug=None, **options):
        try:
            document = json.loads(Path(file).read_text(encoding="utf-8"))
        except OSError as error:
            raise CommandError(f"ファイル {file} を読めません（{error.strerror}）。") from error
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CommandError(
                f"取り込むファイルの形式が正しくありません（JSONとして読めません：{error}）。"
            ) from error
        try:
            strategy = strategy_import(document, slug=slug)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(f"{strategy.name}（{strategy.slug}）を取り込みました。")
