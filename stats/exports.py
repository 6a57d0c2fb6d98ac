"""A dashboard table as xlsx or CSV: the table's columns and rows (aggregates, no personal data),
every cell neutralised against formulas (portal.core.spreadsheets)."""

import csv
import io

from openpyxl import Workbook

from portal.core.spreadsheets import neutralised_row

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"


def _sheet_title(title: str) -> str:
    # Excel's limits: 31 characters, none of []:*?/\
    cleaned = "".join("_" if ch in "[]:*?/\\" else ch for ch in title)
    return cleaned[:31] or "Sheet"


def table_xlsx(table, *, caption: str) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_sheet_title(table.title))
    sheet.append(neutralised_row([caption]))
    sheet.append(neutralised_row(table.columns))
    for row in table.rows:
        sheet.append(neutralised_row(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def table_csv(table, *, caption: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(neutralised_row([caption]))
    writer.writerow(neutralised_row(table.columns))
    for row in table.rows:
        writer.writerow(neutralised_row(row))
    # With a BOM, Excel and WPS open a UTF-8 CSV as UTF-8 (not as the local code page).
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
