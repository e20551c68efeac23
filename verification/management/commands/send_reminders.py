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
        sent = 0
        for reminder in reminders:
            submission = reminder.submission
            call = submission.call
            what = (
                f"{call.fiscal_year.strategy.name} {call.fiscal_year.long_label} "
                f"{submission.department.name}（提出期限 {date_text(call.deadline)}）"
            )
            if reminder.already_sent:
                self.stdout.write(f"本日は督促済み：{what}")
            elif not reminder.addresses:
                prefix = "督促予定" if dry_run else "督促（記録のみ）"
                self.stdout.write(f"{prefix}：{what} — メールアドレスの登録された職員がいません")
            elif dry_run:
                self.stdout.write(f"督促予定：{what} — 宛先 {len(reminder.addresses)}件")
            else:
                sent += reminder.sent
                self.stdout.write(f"督促：{what} — {reminder.sent}通送信")
        if dry_run:
            self.stdout.write("（--dry-run：メールは送らず、記録もしていません）")
        else:
            self.stdout.write(f"送信したメール：{sent}通")
