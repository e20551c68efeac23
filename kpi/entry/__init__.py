"""The year-entry screen: every indicator in force in one fiscal year on one form, saved all at
once or not at all, and never over a result another member of staff changed since the form was
loaded.

- ``page``: the reads — the years to choose from and the page of one year (``year_entry_page``);
- ``forms``: the formset, one row per indicator, each row carrying the version of the result it
  was loaded from;
- ``save``: the write service (``achievements_save_year``).

Amounts are read and written by ``kpi.amounts``; the rules a result must keep are the model's
constraints, checked by ``kpi.constraints``.
"""
