"""A report's tables as CSV (one table) or XLSX (every table, one sheet each)."""

from __future__ import annotations

import csv
import io
import re

import xlsxwriter

from frontdesk.reports.summary import Report, Table

# Spreadsheet programs run cells starting with these as formulas: such text is prefixed with a quote.
_FORMULA = re.compile(r"^[=+\-@\t\r]")


def _safe(value: object) -> object:
    if isinstance(value, str) and _FORMULA.match(value):
        return "'" + value
    return "" if value is None else value


def table_csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_safe(column) for column in table.columns])
    for row in table.rows:
        writer.writerow([_safe(value) for value in row])
    return out.getvalue()


def report_xlsx(report: Report) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(
        out, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    bold = book.add_format({"bold": True})
    used: set[str] = set()
    for table in report.tables:
        name = re.sub(r"[\[\]:*?/\\]", " ", table.title)[:31] or table.key
        while name in used:
            name = name[:28] + f"~{len(used)}"
        used.add(name)
        sheet = book.add_worksheet(name)
        for column, title in enumerate(table.columns):
            sheet.write_string(0, column, title, bold)
            sheet.set_column(column, column, max(12, min(40, len(title) + 4)))
        for row_number, row in enumerate(table.rows, start=1):
            for column, value in enumerate(row):
                if isinstance(value, bool) or value is None:
                    sheet.write_blank(row_number, column, None)
                elif isinstance(value, int | float):
                    sheet.write_number(row_number, column, value)
                else:
                    sheet.write_string(row_number, column, str(value))
    book.close()
    return out.getvalue()
