import os

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from strategy.roles import ADMIN_ROLES, ROLES


class Command(BaseCommand):
    help = "職員・有識者のアカウントを役割（事務局・担当課・有識者）付きで作成します。"

    def add_arguments(self, parser):
        parser.add_argument("username", help="ログイン名")
        parser.add_argument(
            "--role", required=True, choices=ROLES, help="役割: " + "・".join(ROLES)
        )
        parser.add_argument("--name", default="", help="氏名（表示用）")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--password-env",
            default="NEMURO_STAFF_PASSWORD",
            help="パスワードを読む環境変数名（既定: NEMURO_STAFF_PASSWORD）。未設定なら対話で入力します。",
        )

    @transaction.atomic
    def handle(self, *args, username, role, name, email, password_env, **options):
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            raise CommandError(f"ログイン名「{username}」は既に使われています。")
        password = os.environ.get(password_env)
        if not password:
            import getpass

            password = getpass.getpass("パスワード: ")
            if password != getpass.getpass("パスワード（確認）: "):
                raise CommandError("パスワードが一致しません。")
        user = User(username=username, email=email, first_name=name, is_staff=role in ADMIN_ROLES)
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise CommandError(
                "パスワードが条件を満たしていません: " + " ".join(exc.messages)
            ) from exc
        user.set_password(password)
        user.save()
        try:
            group = Group.objects.get(name=role)
        except Group.DoesNotExist as exc:
            raise CommandError(f"役割「{role}」がありません。migrate を実行してください。") from exc
        user.groups.add(group)
        self.stdout.write(self.style.SUCCESS(f"「{username}」を{role}として作成しました。"))
