"""``manage.py axes_reset`` in Japanese: clears every recorded failed login and lockout
(django-axes). It replaces axes' own command of the same name, whose messages are English:
nemuro_strategy comes before axes in INSTALLED_APPS, so Django runs this one."""

from axes.utils import reset
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "ログイン失敗の記録とロックアウトをすべて解除します（django-axes）。"

    def handle(self, *args, **options):
        count = reset()
        if count:
            self.stdout.write(
                f"ログイン失敗の記録 {count} 件を削除し、ロックアウトを解除しました。"
            )
        else:
            self.stdout.write("ログイン失敗の記録はありません。")
