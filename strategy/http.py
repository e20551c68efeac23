"""Marks on responses that the layers above read.

``public_page`` marks a public view's pages as the same for every anonymous visitor, so the page
cache of the project package (nemuro_strategy.cache) may store and serve them. Views of every
app are marked where their URLs are declared; the cache itself lives in the top layer."""

from functools import wraps


def public_page(view):
    """Mark a public view's pages as cacheable for anonymous visitors (PublicPageCacheMiddleware
    stores and serves them). A logged-in user's page is marked private instead: staff may see
    unpublished years, and such a page is never stored."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if request.user.is_authenticated:
            response.headers.setdefault("Cache-Control", "private")
        else:
            response.public_page = True
        return response

    wrapper.public_page_view = True  # the page cache finds public views by URL (resolve)
    return wrapper


def is_public_page(response) -> bool:
    """Whether a ``public_page`` view rendered this response for an anonymous visitor."""
    return getattr(response, "public_page", False)
