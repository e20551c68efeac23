"""Content-Security-Policy: every page says that scripts, styles and images come from this site
only, and no page of ours needs anything inline (no <script> without src, no <style>, no style
attribute) — the browser tests enforce the same policy while they run (tests/browser/conftest.py).
The pages are every public URL (the public URL matrix) and every staff URL (the staff matrix)."""

import re

import pytest
from django.urls import reverse

from tests.security.test_public_access import EXPECTED
from tests.test_staff_access import staff_urls_with_kwargs

INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=\"", re.IGNORECASE)


def directives(response) -> dict[str, set[str]]:
    header = response.headers["Content-Security-Policy"]
    return {
        name: set(values)
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


def check(response, url):
    policy = directives(response)
    assert policy["default-src"] == {"'self'"}, url
    assert policy["script-src"] == {"'self'"}, url
    assert policy["style-src"] == {"'self'"}, url
    assert policy["object-src"] == {"'none'"}, url
    assert policy["frame-ancestors"] == {"'none'"}, url
    if response.get("Content-Type", "").startswith("text/html"):
        body = response.content.decode()
        assert not INLINE.search(body), (url, INLINE.search(body)[0])


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_public_page_has_the_policy_and_nothing_inline(client, nemuro, name):
    url = reverse(name, kwargs=EXPECTED[name])
    response = client.get(url)
    check(response, url)
    cached = client.get(url)  # a page served from the page cache carries the policy too
    check(cached, url)


@pytest.mark.parametrize(("name", "url"), list(staff_urls_with_kwargs()))
def test_every_staff_page_has_the_policy_and_nothing_inline(client, nemuro, secretariat, name, url):
    client.force_login(secretariat)
    response = client.get(url)
    if response.status_code == 405:  # a POST-only action
        return
    check(response, url)


def test_the_error_pages_have_the_policy(client, nemuro):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    check(response, "/no-such-page/")
