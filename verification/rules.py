"""The rules of a verdict that the database cannot hold: what an internal verdict needs besides
its grade, and which goal the panel may judge in a year. The forms check them so that a page says
what is missing; the services (verification.services) check them again before anything is saved.
The invariants the database can hold (one verdict per measure or goal per year, grades A–D) are
constraints on the models."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from strategy.models import BasicGoal, FiscalYear

from .models import Grade, check_same_strategy

ISSUES_REQUIRED = gettext_noop("C・D の場合は今後の課題と対応方向を入力してください。")
REASON_REQUIRED = gettext_noop(
    "参考評価（%(reference)s）と異なる評価にする理由を入力してください。"
)


def review_errors(
    *, grade: str, issues: str, departure_reason: str, reference: str | None
) -> dict[str, ValidationError]:
    """The rules of an internal verdict as field errors (empty when it may be saved): C and D
    need 今後の課題と対応方向; a grade other than the reference grade needs a reason (none is
    asked for when there is no reference grade)."""
    errors = {}
    if grade in (Grade.C, Grade.D) and not issues.strip():
        errors["issues"] = ValidationError(_(ISSUES_REQUIRED), code="issues_required")
    if reference and grade and grade != reference and not departure_reason.strip():
        errors["departure_reason"] = ValidationError(
            _(REASON_REQUIRED), code="reason_required", params={"reference": reference}
        )
    return errors


def panel_target_check(*, goal: BasicGoal, fiscal_year: FiscalYear) -> None:
    """The panel judges a goal only in a year of its own strategy in which the goal was in force
    (ValidationError otherwise). Queries: the revision in force (1, remembered on the strategy)."""
    check_same_strategy(goal.strategy_id, fiscal_year, "fiscal_year")
    revision = goal.strategy.revision_for_year(fiscal_year.year)
    if not goal.is_in_force_at(revision):
        raise ValidationError(
            _("%(goal)sは%(year)sの総合戦略に含まれていません。")
            % {"goal": goal, "year": fiscal_year.long_label},
            code="goal_not_in_force",
        )
