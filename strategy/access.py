"""Who may see what. Public pages call these helpers rather than querying directly, so the rule
"only published years reach the public" lives in one place per object type."""

from django.shortcuts import get_object_or_404

from .models import Strategy


def get_public_strategy(slug: str) -> Strategy:
    """A strategy by its slug, for a public page (404 when unknown)."""
    return get_object_or_404(Strategy.objects.with_municipality(), slug=slug)


def get_staff_strategy(user, slug: str) -> Strategy:
    """A strategy by its slug, for a staff page: the one helper every staff view reaches a strategy
    through (404 when unknown), so that who may work on which strategy is decided here."""
    return get_object_or_404(Strategy.objects.with_municipality(), slug=slug)


def default_strategy() -> Strategy | None:
    """The strategy the public site opens with: the one marked default, else the newest."""
    strategies = Strategy.objects.with_municipality()
    return (
        strategies.filter(is_default=True).first()
        or strategies.order_by("-first_fiscal_year").first()
    )


def staff_required(perm: str):
    """A staff view: anonymous users are sent to the login page, a logged-in user without `perm`
    gets 403. Every staff view is wrapped in this, so the permission matrix lives in one place
    (strategy/roles.py) and each view names the permission it needs."""
    from django.contrib.auth.decorators import login_required, permission_required

    def decorator(view):
        return login_required(permission_required(perm, raise_exception=True)(view))

    return decorator


def can_view_unpublished(user) -> bool:
    return user.is_authenticated and user.has_perm("strategy.view_unpublished")
