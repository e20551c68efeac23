"""``{{ when|html_datetime }}``: a moment as the ``datetime`` attribute of ``<time>`` wants it —
local time, whole seconds, offset with a colon (2017-04-01T09:30:00+09:00). Django's ``date:'c'``
keeps microseconds, which the HTML standard does not allow beyond three digits."""

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def html_datetime(value) -> str:
    if not value:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.isoformat(timespec="seconds")
