"""Who may see what. Public pages call these helpers rather than querying directly, so the rule
"only published years reach the public" lives in one place per object type."""

from django.shortcuts import get_object_or_404

from .models import Strategy


def get_public_strategy(slug: str) -> Strategy:
    """A strategy by its slug, for a public page (404 when unknown)."""
    return get_object_or_404(Strategy.objects.with_municipality(), slug=slug)


def default_strategy() -> Strategy | None:
    """The strategy the public site opens with: the one marked default, else the newest."""
    strategies = Strategy.objects.with_municipality()
    return (
        strategies.filter(is_default=True).first()
        or strategies.order_by("-first_fiscal_year").first()
    )
