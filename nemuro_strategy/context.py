"""What every page's frame (templates/base.html) shows besides the page itself: the site's contact
line from the settings and the date the shown strategy was last updated.

The date is read lazily: a page without a strategy in its header (the directory, the
accessibility policy) runs no query for it, and a page with one runs exactly one."""

from django.conf import settings
from django.db.models import Max

from strategy.models import FiscalYear, Strategy


def last_published(slug: str | None):
    """When the strategy with `slug` (the default strategy when None) last published a fiscal
    year: the latest ``FiscalYear.published_at`` among its published years, or None. One query."""
    years = FiscalYear.objects.published()
    if slug is None:
        # the strategy the root page shows (strategy.access.default_strategy: the one marked
        # default, else the newest), chosen inside the same query
        default = Strategy.objects.order_by("-is_default", "-first_fiscal_year").values("pk")[:1]
        years = years.filter(strategy__in=default)
    else:
        years = years.filter(strategy__slug=slug)
    return years.aggregate(latest=Max("published_at"))["latest"]


class _LastPublished:
    """Called by the template only where the date is shown; read once per request."""

    _unread = object()

    def __init__(self, slug: str | None):
        self.slug = slug
        self.value = self._unread

    def __call__(self):
        if self.value is self._unread:
            self.value = last_published(self.slug)
        return self.value


def site(request) -> dict:
    """``site_contact``: the contact line of the footer (SITE_CONTACT; empty: nothing shown);
    ``last_published``: the shown strategy's latest publication (see last_published), on the
    public pages only."""
    match = getattr(request, "resolver_match", None)
    if match is not None and "staff" in match.namespaces:
        # the staff pages work on unpublished years; the date is for the public pages only
        last = None
    else:
        last = _LastPublished(match.kwargs.get("slug") if match is not None else None)
    return {"site_contact": getattr(settings, "SITE_CONTACT", ""), "last_published": last}
