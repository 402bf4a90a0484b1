"""Spreadsheet exports (Excel, CSV) must not carry formulas a reader's spreadsheet would run.

A text cell starting with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which
some spreadsheets strip before reading a formula) is written with a leading apostrophe, so it is
shown as the text it is (OWASP “CSV injection”). Numbers and dates are written as such and are
not affected. Imports strip the apostrophe again (``cell_unsafe``), so an export re-imports as
it was.
"""

from __future__ import annotations

from typing import Any

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def cell_safe(value: Any) -> Any:
    """``value`` as it may be written into a spreadsheet cell."""
    if isinstance(value, str) and value.startswith(TRIGGERS):
        return "'" + value
    return value


def cell_unsafe(text: str) -> str:
    """The text ``cell_safe`` made safe, as it was (for imports of our own exports)."""
    if len(text) > 1 and text[0] == "'" and text[1:].startswith(TRIGGERS):
        return text[1:]
    return text


def workbook_safe(wb: Any) -> Any:
    """Make every text cell of an openpyxl workbook safe (in place); returns it."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.value = cell_safe(cell.value)
    return wb
