from django.core.management.base import BaseCommand
from django.utils import timezone

from verification.cycle.mail import date_text
from verification.cycle.reminders import reminders_send


class Command(BaseCommand):
    help = (
        "提出期限を過ぎても提出していない担当課（未着手・入力中・差戻し）に、督促のメールを"
        "送ります。同じ担当課には1日1回だけ送ります（同じ日に何度実行しても重複しません）。"
        "毎日1回、cron などで実行してください。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="送る相手を表示するだけで、メールの送信も記録もしません。",
        )

    def handle(self, *args, dry_run=False, **options):
        today = timezone.localdate()
        reminders = reminders_send(today=today, dry_run=dry_run)
        if not reminders:
            self.stdout.write("提出期限を過ぎた担当課はありません。")
            return
        reminded = 0
        for reminder in reminders:
            submission = reminder.submission
            call = submission.call
            what = (
                f"{call.fiscal_year.strategy.name} {call.fiscal_year.long_label} "
                f"{submission.department.name}（提出期限 {date_text(call.deadline)}）"
            )
            if reminder.already_sent:
                self.stdout.write(f"本日は督促済み：{what}")
                continue
            reminded += 1
            prefix = "督促予定" if dry_run else "督促"
            if reminder.addresses:
                self.stdout.write(f"{prefix}：{what} — 宛先 {len(reminder.addresses)}件")
            else:
                self.stdout.write(f"{prefix}：{what} — メールアドレスの登録された職員がいません")
        if dry_run:
            self.stdout.write(
                f"督促する担当課：{reminded}課（--dry-run：メールは送らず、記録もしていません）"
            )
        else:
            self.stdout.write(f"督促した担当課：{reminded}課")
