"""The Excel round trip of a fiscal year's results.

- ``sheets``: the entry sheet as a file: the download (`entry_sheet_xlsx`, one row per indicator
  in force that year, prefilled) and reading an upload;
- ``widgets`` and ``resource``: the sheet's cells and rows as a django-import-export resource
  that exports the sheet and reads it back in a fixed number of queries per chunk;
- ``services``: `import_create` stores the file in an ImportJob, `import_advance` checks the next
  chunk of rows (a dry run), `import_apply` writes every row in one transaction, or none;
- ``preview``: what confirming would do to each row, in words;
- ``forms``: the upload form.

Messages name the row as Excel numbers it (the header is row 1) and the cell as it was typed.
This package names what the views and the benchmark use.
"""

from .preview import PreviewKind, preview_summary, preview_warnings, progress_label
from .services import import_advance, import_apply, import_create
from .sheets import XLSX_CONTENT_TYPE, entry_sheet_filename, entry_sheet_xlsx

__all__ = [
    "XLSX_CONTENT_TYPE",
    "PreviewKind",
    "entry_sheet_filename",
    "entry_sheet_xlsx",
    "import_advance",
    "import_apply",
    "import_create",
    "preview_summary",
    "preview_warnings",
    "progress_label",
]
