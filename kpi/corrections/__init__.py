"""Corrections after publication (訂正, DESIGN.md §2 "The yearly cycle"): once a fiscal year is
published, its results change only through a correction with a 訂正理由, shown publicly (訂正履歴).

- ``services``: the lock every other write path asks (``ensure_not_published``), and the four
  services: ``correction_request`` (a department member, their departments' indicators),
  ``correction_apply``, ``correction_approve`` and ``correction_reject`` (the secretariat);
- ``history``: the public reads (``public_corrections``, ``with_last_correction``);
- ``forms``: the correction form.
"""

from .history import public_corrections, with_last_correction
from .services import (
    APPLY_PERM,
    REQUEST_PERM,
    CorrectedValues,
    correction_apply,
    correction_approve,
    correction_reject,
    correction_request,
    current_result,
    ensure_not_published,
    locked_message,
)

__all__ = [
    "APPLY_PERM",
    "REQUEST_PERM",
    "CorrectedValues",
    "correction_apply",
    "correction_approve",
    "correction_reject",
    "correction_request",
    "current_result",
    "ensure_not_published",
    "locked_message",
    "public_corrections",
    "with_last_correction",
]
