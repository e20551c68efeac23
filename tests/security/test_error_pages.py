"""Users never see a stack trace: with DEBUG off, an unknown address, a forbidden page and a
failing view each get a Japanese page."""

import pytest
from django.conf import settings
from django.urls import include, path, reverse

SLUG = "nemuro-sousei-2015"


def broken_view(request):
    raise RuntimeError("secret detail that must not reach the user")


# A test-only URL conf: the site's own pages plus one view that fails.
urlpatterns = [
    path("test-only/broken/", broken_view),
    path("", include("nemuro_strategy.urls")),
]


def no_stack_trace(html: str) -> None:
    assert "Traceback" not in html and "secret detail" not in html
    assert 'lang="ja"' in html


def test_the_tests_run_with_debug_off():
    assert settings.DEBUG is False


@pytest.mark.parametrize(
    "url", ["/no-such-page/", f"/s/{SLUG}/goals/99/", "/s/no-such-strategy/", "/staff/zzz/"]
)
def test_an_unknown_address_gets_the_japanese_404_page(client, nemuro, url):
    response = client.get(url)
    assert response.status_code == 404
    html = response.content.decode()
    assert "ページが見つかりません" in html and "トップページへ戻る" in html
    no_stack_trace(html)


def test_an_unpublished_report_for_a_citizen_gets_the_japanese_404_page(client, nemuro):
    response = client.get(reverse("verification:report", kwargs={"slug": SLUG, "year": 2017}))
    assert response.status_code == 404
    assert "ページが見つかりません" in response.content.decode()


def test_a_forbidden_staff_page_gets_the_japanese_403_page(as_user, nemuro, department):
    response = as_user(department).get(reverse("staff:publication", kwargs={"slug": SLUG}))
    assert response.status_code == 403
    html = response.content.decode()
    assert "このページを表示する権限がありません" in html
    no_stack_trace(html)


@pytest.mark.urls("tests.security.test_error_pages")
def test_a_failing_view_gets_the_static_japanese_500_page(client, nemuro):
    client.raise_request_exception = False
    response = client.get("/test-only/broken/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "エラーが発生しました" in html and "しばらく時間をおいてから" in html
    no_stack_trace(html)


def test_the_500_page_is_static():
    """It must render even when the database or the templates' context is what failed."""
    source = (settings.BASE_DIR / "templates" / "500.html").read_text(encoding="utf-8")
    assert "{%" not in source and "{{" not in source
