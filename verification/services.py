"""Writes of the verification workflow: the 推進本部's internal verdicts, the panel members' drafts
and the 有識者会議's final verdicts, and the publication of a fiscal year. Each is keyword-only,
atomic, checks the rules (verification.rules) and the model (``full_clean``) before it saves, and
records the user in the change history. (Publishing or withdrawing a year changes only the year's
``published_at``, saved alone; the YearPublication it records is checked in full. Publishing
needs the publisher's confirmation of the readiness check, and a reason when it lists gaps.)

The yearly data call's writes are in ``verification.cycle.services``."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from strategy.models import BasicGoal, FiscalYear, Measure

from .grading import measure_evidence
from .models import InternalReview, PanelDraft, PanelOpinion, PanelReview, YearPublication
from .rules import panel_target_check, review_errors
from .selectors.publication import publication_readiness

# --- Internal verdicts ---------------------------------------------------------------------------


@transaction.atomic
def internal_review_record(
    *,
    measure: Measure,
    fiscal_year: FiscalYear,
    grade: str,
    issues: str,
    departure_reason: str = "",
    user=None,
) -> InternalReview:
    """Record the 推進本部's verdict on a measure for a year: create or update its one review,
    store the reference grade computed now (as of that year, unpublished results included),
    check the rules and the model, and record `user` in the history."""
    reference = measure_evidence(measure, fiscal_year)[1].grade
    issues, departure_reason = issues.strip(), departure_reason.strip()
    errors = review_errors(
        grade=grade, issues=issues, departure_reason=departure_reason, reference=reference
    )
    if errors:
        raise ValidationError(errors)
    review = InternalReview.objects.select_for_update().filter(
        measure=measure, fiscal_year=fiscal_year
    ).first() or InternalReview(measure=measure, fiscal_year=fiscal_year)
    review.grade = grade
    review.issues = issues
    review.departure_reason = departure_reason
    review.reference_grade = reference or ""
    review._history_user = user
    review.full_clean()
    review.save()
    return review


# --- Panel verdicts ------------------------------------------------------------------------------


@transaction.atomic
def panel_draft_save(
    *,
    goal: BasicGoal,
    fiscal_year: FiscalYear,
    author,
    grade: str = "",
    supplementary_opinion: str = "",
    opinions: list[str],
) -> PanelDraft:
    """Create or update `author`'s own draft verdict for `goal` and `fiscal_year` (one per member
    per goal per year). The grade may stay empty while drafting; the history records `author`."""
    panel_target_check(goal=goal, fiscal_year=fiscal_year)
    draft = (
        PanelDraft.objects.select_for_update()
        .filter(goal=goal, fiscal_year=fiscal_year, author=author)
        .first()
    )
    if draft is None:
        draft = PanelDraft(goal=goal, fiscal_year=fiscal_year, author=author)
    draft.grade = grade
    draft.supplementary_opinion = supplementary_opinion.strip()
    draft.opinions = "\n".join(line.strip() for line in opinions if line.strip())
    draft._history_user = author
    draft.full_clean()
    draft.save()
    return draft


@transaction.atomic
def panel_review_record(
    *,
    goal: BasicGoal,
    fiscal_year: FiscalYear,
    grade: str,
    supplementary_opinion: str = "",
    opinions: list[str],
    user,
) -> PanelReview:
    """Record the 有識者会議's final verdict for `goal` and `fiscal_year`: create or update the
    PanelReview and replace its 意見等 with `opinions`, in order, all or nothing. It reaches the
    public pages only once the year is published."""
    panel_target_check(goal=goal, fiscal_year=fiscal_year)
    review = (
        PanelReview.objects.select_for_update().filter(goal=goal, fiscal_year=fiscal_year).first()
    )
    if review is None:
        review = PanelReview(goal=goal, fiscal_year=fiscal_year)
    review.grade = grade
    review.supplementary_opinion = supplementary_opinion.strip()
    review.recorded_by = user
    review._history_user = user
    review.full_clean()
    review.save()
    for old in review.opinions.all():
        old._history_user = user
        old.delete()
    for position, text in enumerate((t.strip() for t in opinions if t.strip()), start=1):
        opinion = PanelOpinion(review=review, position=position, text=text)
        opinion._history_user = user
        opinion.full_clean()
        opinion.save()
    return review


# --- Year publication ----------------------------------------------------------------------------


@transaction.atomic
def fiscal_year_publish(
    *, fiscal_year: FiscalYear, user=None, reason: str = "", confirmed: bool = False
) -> YearPublication:
    """Publish a fiscal year: its results and verdicts reach public pages, charts and downloads.
    Only after the readiness check (``publication_readiness``): the publisher confirms it
    (`confirmed`) and, when it lists gaps, says why the year is published anyway (`reason`,
    recorded). Refused otherwise, with nothing saved."""
    fiscal_year = (
        FiscalYear.objects.select_for_update().select_related("strategy").get(pk=fiscal_year.pk)
    )
    if fiscal_year.published_at is not None:
        raise ValidationError(
            _("%(year)sは既に公表されています。"),
            code="already_published",
            params={"year": fiscal_year.long_label},
        )
    if not confirmed:
        raise ValidationError(
            {
                "confirmed": ValidationError(
                    _("公表前の確認結果を確かめ、確認欄にチェックを入れてください。"),
                    code="confirmation_required",
                )
            }
        )
    readiness = publication_readiness(fiscal_year.strategy, fiscal_year)
    reason = reason.strip()
    if readiness.has_gaps:
        if not reason:
            raise ValidationError(
                {
                    "reason": ValidationError(
                        _(
                            "確認結果に不足があります（%(gaps)s）。このまま公表する場合は"
                            "理由を入力してください。"
                        ),
                        code="reason_required",
                        params={"gaps": readiness.gap_summary()},
                    )
                }
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
            _("%(year)sは公表されていません。"),
            code="not_published",
            params={"year": fiscal_year.long_label},
        )
    if not reason.strip():
        raise ValidationError(_("取り下げの理由を入力してください。"), code="reason_required")
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
