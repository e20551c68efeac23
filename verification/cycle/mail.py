"""The data call's e-mail, sent through Django's mail settings (``EMAIL_BACKEND``: the console in
development, SMTP or whatever the environment sets in production, memory in the tests): to the
departments' members when a call opens, when their submission is returned or accepted, and when
it is overdue (``send_reminders``). Only members with an e-mail address receive anything; the
staff home shows the same notices to everyone.

The services send after their transaction commits (``transaction.on_commit``), so a refused
change sends nothing, and a mail server that fails is logged without undoing the change."""

import logging
from datetime import date

from django.conf import settings
from django.core.mail import send_mass_mail
from django.utils.translation import gettext as _

from strategy.models import Membership
from strategy.roles import DEPARTMENT

from ..models import DataCall, DepartmentSubmission

logger = logging.getLogger(__name__)


def date_text(value: date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def _members(**filters) -> list[str]:
    """The e-mail addresses of active department members matching `filters`, each once."""
    rows = (
        Membership.objects.filter(role=DEPARTMENT, user__is_active=True, **filters)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
        .distinct()
    )
    return sorted(set(rows))


def call_addresses(call: DataCall) -> list[str]:
    """Every department member of the call's municipality."""
    return _members(municipality_id=call.fiscal_year.strategy.municipality_id)


def department_addresses(department_id: int) -> list[str]:
    return _members(departments=department_id)


def send(subject: str, body: str, addresses: list[str]) -> int:
    """One message per address (no one sees the others' addresses); the number sent. A failing
    mail server is logged, never raised: the change it reports is already saved."""
    if not addresses:
        return 0
    sender = settings.DEFAULT_FROM_EMAIL
    try:
        return send_mass_mail([(subject, body, sender, [address]) for address in addresses])
    except Exception:  # noqa: BLE001 - any backend failure: log it, the change stands
        logger.warning("data call e-mail not sent: %s", subject, exc_info=True)
        return 0


def _heading(call: DataCall) -> str:
    strategy = call.fiscal_year.strategy
    return _("%(strategy)s（%(municipality)s）") % {
        "strategy": strategy.name,
        "municipality": strategy.municipality.name,
    }


def call_opened(call: DataCall) -> int:
    subject = _("【実績の照会】%(year)sの実績の入力と提出をお願いします（期限：%(deadline)s）") % {
        "year": call.fiscal_year.long_label,
        "deadline": date_text(call.deadline),
    }
    lines = [
        _heading(call),
        _("%(year)sの実績の照会がありました。") % {"year": call.fiscal_year.long_label},
        _("提出期限：%(deadline)s") % {"deadline": date_text(call.deadline)},
    ]
    if call.message:
        lines += ["", _("事務局からの連絡："), call.message]
    lines += ["", _("職員ページの「自分の担当」で担当課の指標の実績を入力し、提出してください。")]
    return send(subject, "\n".join(lines), call_addresses(call))


def _submission_lines(submission: DepartmentSubmission) -> list[str]:
    return [
        _heading(submission.call),
        _("%(year)sの実績（%(department)s）")
        % {
            "year": submission.call.fiscal_year.long_label,
            "department": submission.department.name,
        },
    ]


def submission_returned(submission: DepartmentSubmission) -> int:
    subject = _("【差戻し】%(year)sの実績（%(department)s）が差し戻されました") % {
        "year": submission.call.fiscal_year.long_label,
        "department": submission.department.name,
    }
    lines = _submission_lines(submission) + [
        "",
        _("事務局のコメント："),
        submission.comment,
        "",
        _("職員ページの「自分の担当」で修正し、もう一度提出してください。"),
    ]
    return send(subject, "\n".join(lines), department_addresses(submission.department_id))


def submission_accepted(submission: DepartmentSubmission) -> int:
    subject = _("【確認済】%(year)sの実績（%(department)s）を事務局が確認しました") % {
        "year": submission.call.fiscal_year.long_label,
        "department": submission.department.name,
    }
    lines = _submission_lines(submission) + ["", _("提出いただいた実績を確認しました。")]
    return send(subject, "\n".join(lines), department_addresses(submission.department_id))


def submission_overdue(submission: DepartmentSubmission, addresses: list[str]) -> int:
    call = submission.call
    subject = _(
        "【督促】%(year)sの実績（%(department)s）の提出期限（%(deadline)s）を過ぎています"
    ) % {
        "year": call.fiscal_year.long_label,
        "department": submission.department.name,
        "deadline": date_text(call.deadline),
    }
    lines = _submission_lines(submission) + [
        "",
        _("提出期限：%(deadline)s") % {"deadline": date_text(call.deadline)},
        _("職員ページの「自分の担当」で実績を入力し、提出してください。"),
    ]
    return send(subject, "\n".join(lines), addresses)
