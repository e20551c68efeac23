"""The page a refused form submission gets (settings.CSRF_FAILURE_VIEW): Japanese, what to do
next, no technical detail (Django's own page speaks of DEBUG). Django's CSRF middleware has
already logged the reason (logger ``django.security.csrf``)."""

from django.shortcuts import render


def csrf_failure(request, reason: str = ""):
    return render(request, "403_csrf.html", status=403)
