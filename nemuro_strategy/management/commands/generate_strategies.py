import time

from django.core.management.base import BaseCommand, CommandError

from nemuro_strategy.data.seeding import seed_load
from nemuro_strategy.data.synthetic import SOURCE_SLUG, strategies_generate
from strategy.models import Strategy


class Command(BaseCommand):
    help = (
        "根室市の種データと同じ形の合成の総合戦略を N 件、乱数の種から決定的に一括作成します"
        "（ベンチマーク用）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("count", type=int, help="作成する総合戦略の件数")
        parser.add_argument("--seed", type=int, default=0, help="乱数の種（既定: 0）")
        parser.add_argument(
            "--prefix", default="synthetic", help="識別子の接頭辞（既定: synthetic）"
        )
        parser.add_argument("--start", type=int, default=0, help="最初の通し番号（既定: 0）")
        parser.add_argument("--batch", type=int, default=50, help="1トランザクションの件数")

    def handle(self, *args, count, seed, prefix, start, batch, **options):
        if count < 1:
            raise CommandError("件数は1以上にしてください。")
        if not Strategy.objects.filter(slug=SOURCE_SLUG).exists():
            seed_load()
        if Strategy.objects.filter(slug__startswith=f"{prefix}-").exists():
            raise CommandError(
                f"識別子が「{prefix}-」で始まる総合戦略が既にあります。--prefix を変えてください。"
            )
        began = time.perf_counter()
        strategies_generate(count=count, seed=seed, prefix=prefix, start=start, batch=batch)
        self.stdout.write(
            self.style.SUCCESS(
                f"合成の総合戦略を {count} 件作成しました（{time.perf_counter() - began:.1f} 秒）。"
            )
        )
