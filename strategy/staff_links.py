"""The staff pages a user may open for a strategy. Each staff feature registers its page here with
the permission it needs; the landing page and the permission-matrix tests read this list."""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class StaffPage:
    url_name: str  # in the "staff" namespace, taking the strategy's slug
    label: str
    perm: str


STAFF_PAGES: list[StaffPage] = []


def register(url_name: str, label: str, perm: str) -> None:
    if all(page.url_name != url_name for page in STAFF_PAGES):
        STAFF_PAGES.append(StaffPage(url_name, label, perm))


@dataclass(frozen=True)
class Link:
    url: str
    label: str


def links_for(user, strategy) -> list[Link]:
    links = []
    for page in STAFF_PAGES:
        if not user.has_perm(page.perm):
            continue
        try:
            url = reverse(f"staff:{page.url_name}", kwargs={"slug": strategy.slug})
        except NoReverseMatch:
            continue
        links.append(Link(url, page.label))
    return links
