"""Cells that spreadsheets would run as formulas, made inert (CSV/formula injection).

A text value that starts with = + - @, a tab or a carriage return (or the full-width ＝ ＋ － ＠
an input method types) is what Excel, WPS and LibreOffice evaluate; it is written with a leading
apostrophe, which shows it as the text typed. Every xlsx and CSV the portal writes passes its
cells through `neutralise` (or `neutralised_row`)."""

import tempfile
from collections.abc import Iterable

from django.http import FileResponse
from openpyxl import Workbook

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def neutralise(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def neutralised_row(values: Iterable) -> list:
    return [neutralise(value) for value in values]


XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def sheet_title(title: str) -> str:
    """A title Excel accepts: at most 31 characters, none of []:*?/\\."""
    cleaned = "".join("_" if ch in "[]:*?/\\" else ch for ch in str(title))
    return cleaned[:31] or "Sheet"


def xlsx_file(title: str, headers: Iterable, rows: Iterable[Iterable]):
    """A workbook of one sheet written row by row (openpyxl's write-only mode keeps no rows in
    memory) into a temporary file, rewound: a view streams it with FileResponse, so a long list
    costs neither the worker's memory nor a second copy of the bytes. Every cell is neutralised."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_title(title))
    sheet.append(neutralised_row(headers))
    for row in rows:
        sheet.append(neutralised_row(row))
    handle = tempfile.TemporaryFile()
    book.save(handle)
    handle.seek(0)
    return handle


def xlsx_response(title: str, headers: Iterable, rows: Iterable[Iterable], *, filename: str) -> FileResponse:
    """`xlsx_file` as a streamed download named `filename` (UTF-8 in the header)."""
    return FileResponse(
        xlsx_file(title, headers, rows), as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE
    )
