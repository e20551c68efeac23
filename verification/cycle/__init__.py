"""The yearly cycle (DESIGN.md §2): the data call (実績の照会 → 提出 → 確認 / 差戻し) and the
publication's confirmation. ``services`` holds every change of a call or a submission, audited;
``forms`` the pages' input (the call, a submission, a return, the publication's confirmation);
``mail`` the notices sent through Django's mail settings; ``reminders`` the overdue departments
(``manage.py send_reminders``). The reads are ``verification.selectors.data_call`` (and the
readiness check in ``verification.selectors.publication``), the pages
``verification.views.data_call`` and ``verification.views.publication``; the publication itself
stays ``verification.services.fiscal_year_publish``."""
