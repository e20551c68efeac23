"""Repeated failed logins lock the username for that IP address (django-axes): after five
failures the sixth attempt is refused with a Japanese page, even with the right password."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.urls import reverse

PASSWORD = "correct-horse-battery-9"  # tests/conftest.py
LOGIN = reverse("login")


def log_in(client: Client, username: str, password: str, ip: str = "203.0.113.7"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def fail(client: Client, username: str, times: int, ip: str = "203.0.113.7"):
    """Fail `times` times; the fifth failure is the one that locks (it already gets the lockout
    page), the first four get the login form again with its message."""
    for attempt in range(1, times + 1):
        response = log_in(client, username, "wrong-password", ip)
        if attempt < settings.AXES_FAILURE_LIMIT:
            assert response.status_code == 200
            assert "ログイン名またはパスワードが正しくありません。" in response.content.decode()
        else:
            assert response.status_code == 429


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_the_lockout_is_enabled_in_the_tests_as_in_production():
    assert settings.AXES_ENABLED is True
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"


def test_the_sixth_attempt_is_refused_even_with_the_right_password(client, nemuro, department):
    fail(client, "tantouka", 5)
    response = log_in(client, "tantouka", PASSWORD)
    assert response.status_code == 429
    html = response.content.decode()
    assert "ログインを一時的に停止しています" in html
    assert "正しいパスワードを入力してもログインできません" in html
    assert not logged_in(client)
    assert AccessAttempt.objects.get(username="tantouka").failures_since_start >= 5


def test_the_locked_page_shows_the_limit(client, nemuro, department):
    fail(client, "tantouka", 5)
    html = log_in(client, "tantouka", "wrong-password").content.decode()
    assert "ログインの失敗が5回続いたため" in html
    assert "Traceback" not in html


def test_four_failures_still_let_the_right_password_in_and_reset_the_count(
    client, nemuro, department
):
    fail(client, "tantouka", 4)
    response = log_in(client, "tantouka", PASSWORD)
    assert response.status_code == 302 and logged_in(client)
    client.logout()
    fail(client, "tantouka", 4)  # counted from zero again
    assert log_in(client, "tantouka", PASSWORD).status_code == 302


@pytest.mark.parametrize(
    ("username", "ip"),
    [("yushikisha", "203.0.113.7"), ("tantouka", "198.51.100.20")],
    ids=["another username", "another address"],
)
def test_the_lockout_is_per_username_and_address(
    client, nemuro, department, panel_member, username, ip
):
    fail(client, "tantouka", 5)
    response = log_in(client, username, PASSWORD, ip)
    assert response.status_code == 302 and logged_in(client)


def test_force_login_is_unaffected_by_a_lockout(as_user, client, nemuro, department):
    fail(client, "tantouka", 6)
    response = as_user(department).get(reverse("staff:home"))
    assert response.status_code == 200
