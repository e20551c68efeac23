import os

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from strategy.models import Department, Membership, Municipality
from strategy.roles import ADMIN_ROLES, DEPARTMENT, ROLES


class Command(BaseCommand):
    help = (
        "職員・有識者のアカウントを、団体（全国地方公共団体コード）での役割"
        "（事務局・担当課・有識者）付きで作成します。既にあるアカウントには、"
        "別の団体での役割を追加します。"
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help="ログイン名")
        parser.add_argument(
            "--role", required=True, choices=ROLES, help="役割: " + "・".join(ROLES)
        )
        parser.add_argument(
            "--municipality",
            required=True,
            metavar="CODE",
            help="所属する団体の全国地方公共団体コード（6桁。根室市は 012238）",
        )
        parser.add_argument(
            "--department",
            action="append",
            default=[],
            metavar="課名",
            help="担当課の職員が所属する課（複数指定可）。課は事務局が管理画面で登録します。",
        )
        parser.add_argument("--name", default="", help="氏名（表示用）")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--password-env",
            default="NEMURO_STAFF_PASSWORD",
            help="パスワードを読む環境変数名（既定: NEMURO_STAFF_PASSWORD）。未設定なら対話で入力します。",
        )

    @transaction.atomic
    def handle(self, *args, username, role, municipality, department, name, email, **options):
        municipality_obj = Municipality.objects.filter(code=municipality).first()
        if municipality_obj is None:
            raise CommandError(f"全国地方公共団体コード「{municipality}」の団体がありません。")
        departments = self._departments(municipality_obj, role, department)
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is None:
            user = self._new_user(username, name, email, role, options["password_env"])
            created = True
        else:
            if Membership.objects.filter(user=user, municipality=municipality_obj).exists():
                raise CommandError(
                    f"「{username}」は{municipality_obj}に既に所属しています（役割の変更は管理画面で）。"
                )
            if role in ADMIN_ROLES and not user.is_staff:
                user.is_staff = True
                user.save(update_fields=["is_staff"])
            created = False
        membership = Membership.objects.create(user=user, municipality=municipality_obj, role=role)
        membership.departments.set(departments)
        where = f"{municipality_obj}の{role}"
        if departments:
            where += "（" + "・".join(d.name for d in departments) + "）"
        verb = "作成しました" if created else "に追加しました"
        self.stdout.write(self.style.SUCCESS(f"「{username}」を{where}として{verb}。"))

    def _departments(self, municipality, role, names) -> list[Department]:
        if names and role != DEPARTMENT:
            raise CommandError("--department は担当課の職員にだけ指定できます。")
        known = {d.name: d for d in Department.objects.filter(municipality=municipality)}
        unknown = [name for name in names if name not in known]
        if unknown:
            listed = "・".join(known) or "（まだ登録されていません）"
            raise CommandError(
                f"{municipality}に担当課「{'」「'.join(unknown)}」がありません。"
                f"登録済みの課: {listed}。課は事務局が管理画面（担当課）で登録します。"
            )
        return [known[name] for name in names]

    def _new_user(self, username, name, email, role, password_env):
        password = os.environ.get(password_env)
        if not password:
            import getpass

            password = getpass.getpass("パスワード: ")
            if password != getpass.getpass("パスワード（確認）: "):
                raise CommandError("パスワードが一致しません。")
        User = get_user_model()
        user = User(username=username, email=email, first_name=name, is_staff=role in ADMIN_ROLES)
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise CommandError(
                "パスワードが条件を満たしていません: " + " ".join(exc.messages)
            ) from exc
        user.set_password(password)
        user.save()
        return user
