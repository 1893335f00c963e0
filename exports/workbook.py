"""Tables as an XLSX workbook: one sheet a table, the title above the headers."""

import io
import re

from .cells import UNSAFE_CHARACTERS, safe_cell

_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(title: str, used: set) -> str:
    name = _SHEET_NAME_BAD.sub("", UNSAFE_CHARACTERS.sub("", title))[:28] or "表"
    candidate, n = name, 2
    while candidate in used:
        candidate, n = f"{name[:26]}{n}", n + 1
    used.add(candidate)
    return candidate


def _cell(value):
    """Numbers stay numbers, so the office can sum them; text is made safe (``safe_cell``)."""
    if isinstance(value, str) and re.fullmatch(r"-?\d+(\.\d+)?", value.strip()):
        number = float(value)
        return int(number) if number.is_integer() else number
    return safe_cell(value)


def tables_xlsx(title: str, tables: list[dict]) -> bytes:
    """``tables``: [{"title", "headers", "rows"}] → the workbook's bytes."""
    # openpyxl is imported on the first spreadsheet, not at start (a tenth of a cold start)
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    used = set()
    for table in tables or [{"title": title, "headers": [], "rows": []}]:
        sheet = book.create_sheet(_sheet_name(table.get("title") or title, used))
        headers = [safe_cell(h) for h in table.get("headers") or []]
        sheet.append([safe_cell(title)])
        sheet.append([safe_cell(table.get("title") or "")])
        sheet["A1"].font = Font(bold=True, size=14)
        sheet.append(headers)
        for cell in sheet[3]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center")
        for row in table.get("rows") or []:
            sheet.append([_cell(v) for v in row])
        for number, header in enumerate(headers, start=1):
            values = [str(header)] + [
                str(r[number - 1]) for r in table.get("rows") or [] if len(r) >= number
            ]
            width = max(len(v) for v in values) * 2 + 2
            sheet.column_dimensions[get_column_letter(number)].width = min(max(width, 8), 60)
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()
