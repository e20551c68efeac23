"""Writes of the verification workflow."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from strategy.models import FiscalYear

from .models import YearPublication


@transaction.atomic
def fiscal_year_publish(*, fiscal_year: FiscalYear, user=None, reason: str = "") -> YearPublication:
    """Publish a fiscal year: its results and verdicts reach public pages, charts and downloads."""
    fiscal_year = FiscalYear.objects.select_for_update().get(pk=fiscal_year.pk)
    if fiscal_year.published_at is not None:
        raise ValidationError(
            "%(year)sは既に公表されています。",
            code="already_published",
            params={"year": fiscal_year.long_label},
        )
    fiscal_year.published_at = timezone.now()
    fiscal_year.save(update_fields=["published_at"])
    record = YearPublication(
        fiscal_year=fiscal_year, action=YearPublication.Action.PUBLISH, user=user, reason=reason
    )
    record.full_clean()
    record.save()
    return record


@transaction.atomic
def fiscal_year_withdraw(*, fiscal_year: FiscalYear, user=None, reason: str) -> YearPublication:
    """Withdraw a published year from the public pages; a reason is required and recorded."""
    fiscal_year = FiscalYear.objects.select_for_update().get(pk=fiscal_year.pk)
    if fiscal_year.published_at is None:
        raise ValidationError(
            "%(year)sは公表されていません。",
            code="not_published",
            params={"year": fiscal_year.long_label},
        )
    if not reason.strip():
        raise ValidationError("取り下げの理由を入力してください。", code="reason_required")
    fiscal_year.published_at = None
    fiscal_year.save(update_fields=["published_at"])
    record = YearPublication(
        fiscal_year=fiscal_year,
        action=YearPublication.Action.WITHDRAW,
        user=user,
        reason=reason.strip(),
    )
    record.full_clean()
    record.save()
    return record
