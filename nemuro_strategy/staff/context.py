"""What every staff page shows of the signed-in user: their role in each municipality."""

from django.utils.functional import SimpleLazyObject

from strategy.access import memberships


def staff_memberships(request):
    """The user's memberships (municipality and role), read only when a page shows them, and
    from what ``strategy.access`` already read for the request's access check."""
    return {
        "staff_memberships": SimpleLazyObject(
            lambda: list(memberships(getattr(request, "user", None)).values())
        )
    }
