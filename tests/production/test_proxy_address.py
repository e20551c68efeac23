"""Behind a reverse proxy the login lockout counts the visitor's address, not the proxy's:
two staff members behind one proxy are not locked out together, and what a visitor writes in
X-Forwarded-For themselves changes nothing (TRUSTED_PROXY_COUNT, nemuro_strategy/ops/client_ip)."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from nemuro_strategy.ops.client_ip import client_ip

PASSWORD = "correct-horse-battery-9"  # tests/conftest.py
PROXY = "10.0.0.2"  # the reverse proxy, as gunicorn sees it
ATTACKER, COLLEAGUE = "198.51.100.66", "203.0.113.9"


def log_in(client: Client, password: str, forwarded_for: str | None):
    headers = {"REMOTE_ADDR": PROXY}
    if forwarded_for is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return client.post(reverse("login"), {"username": "tantouka", "password": password}, **headers)


def fail_five_times(forwarded_for):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = log_in(client, "wrong-password", forwarded_for)
    assert response.status_code == 429  # the fifth failure locks


def test_the_lockout_reads_the_address_through_our_function():
    assert settings.AXES_CLIENT_IP_CALLABLE == "nemuro_strategy.ops.client_ip.client_ip"
    assert settings.TRUSTED_PROXY_COUNT == 0  # reached directly unless the environment says so


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_two_staff_behind_one_proxy_are_not_locked_out_together(nemuro, department):
    fail_five_times(ATTACKER)
    colleague = Client()
    response = log_in(colleague, PASSWORD, COLLEAGUE)
    assert response.status_code == 302 and "_auth_user_id" in colleague.session
    assert AccessAttempt.objects.get().ip_address == ATTACKER


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_addresses_the_visitor_writes_in_front_do_not_escape_the_lockout(nemuro, department):
    client = Client()
    for invented in range(settings.AXES_FAILURE_LIMIT):
        # the visitor sends X-Forwarded-For: 192.0.2.<n>; the proxy appends the real address
        response = log_in(client, "wrong-password", f"192.0.2.{invented}, {ATTACKER}")
    assert response.status_code == 429
    assert log_in(Client(), PASSWORD, f"192.0.2.99, {ATTACKER}").status_code == 429
    assert log_in(Client(), PASSWORD, COLLEAGUE).status_code == 302


def test_without_a_trusted_proxy_the_header_is_ignored(nemuro, department):
    """Reached directly, X-Forwarded-For is whatever the visitor wrote: not read. (This is also
    what a proxy deployment without TRUSTED_PROXY_COUNT gets: everyone behind the proxy shares
    its address and is locked out together.)"""
    fail_five_times(ATTACKER)
    assert log_in(Client(), PASSWORD, COLLEAGUE).status_code == 429
    assert AccessAttempt.objects.get().ip_address == PROXY


@pytest.mark.parametrize(
    ("count", "remote", "forwarded_for", "expected"),
    [
        (0, "203.0.113.7", "198.51.100.1", "203.0.113.7"),
        (1, PROXY, "198.51.100.1", "198.51.100.1"),
        (1, PROXY, "192.0.2.1, 198.51.100.1", "198.51.100.1"),
        (2, PROXY, "192.0.2.1, 198.51.100.1, 10.0.0.9", "198.51.100.1"),  # CDN + load balancer
        (2, PROXY, "198.51.100.1", PROXY),  # not through both proxies: the connecting address
        (1, PROXY, None, PROXY),  # a direct request on the private network
        (1, PROXY, "not-an-address", PROXY),
        (1, PROXY, "198.51.100.1:51234", "198.51.100.1"),
        (1, PROXY, "[2001:DB8::1]:443", "2001:db8::1"),
        (1, PROXY, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_the_visitor_is_the_address_the_outermost_trusted_proxy_wrote(
    count, remote, forwarded_for, expected
):
    headers = {"REMOTE_ADDR": remote}
    if forwarded_for is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded_for
    with override_settings(TRUSTED_PROXY_COUNT=count):
        assert client_ip(RequestFactory().get("/", **headers)) == expected
