"""Import a unit's existing plan (实施方案, 实施意见, 通知, 总结) from a Word file or pasted text.

The text is first made clean Simplified Chinese (OpenCC, converter artifacts removed, see
``textclean``), then read line by line: the header (发文字号, 发文机关, 标题, 主送机关), the body
with its headings (一、 （一） 1. （1）, full-width or half-width, 、 or ．), the tail (附件,
署名, 成文日期 in Arabic or Chinese numerals, （此页无正文）, 附注, 主题词, 报/抄送/发, 印发). From
the body it picks out what the plan's structured parts hold: principles, the leadership group
and its office, phases with their dates, reception statements it can turn into rules, procedure
steps, reporting duties with their times, and the 化解率 target. Every line keeps the role it was
recognised in; whatever is not recognised stays in the body as plain text, never dropped.

Nothing here saves anything: ``Imported.plan(unit)`` and ``Imported.leadership_group(unit)``
give unsaved documents for the person to review.
"""

import datetime
import re

from .common import MAX_BYTES, MAX_CHARS, TABLE_END, TABLE_START, ImportProblem
from .duties import _duties
from .header import _header, _tail
from .layout import (
    Line,
    _body,
    _tables,
    chinese_number,
    date_of,
    heading_of,
    prepare,
    split_documents,
)
from .leadership import _group
from .parts import (
    _all_text,
    _mark_lines,
    _period,
    _phases,
    _principles,
    _procedure,
    _year,
)
from .reading import check_docx_size, check_text, decode_text, docx_text, read_upload
from .receptions import _receptions
from .result import Imported, save_group
from .targets import _targets

__all__ = [
    "MAX_BYTES",
    "MAX_CHARS",
    "ImportProblem",
    "Imported",
    "Line",
    "check_docx_size",
    "check_text",
    "chinese_number",
    "date_of",
    "decode_text",
    "docx_text",
    "heading_of",
    "import_text",
    "prepare",
    "read_upload",
    "save_group",
    "split_documents",
]


def import_text(text: str, year: int | None = None) -> Imported:
    """Recognise one document's structure (``split_documents`` first for a file of several).
    ``year``: the year of dates written without one (4月7日) when the document names no year
    anywhere (a news item, an excerpt); by default this year, and the clerk is told."""
    check_text(text)
    lines, warnings = prepare(text)
    result = Imported(lines=[Line(n, t) for n, t in enumerate(lines, start=1)], warnings=warnings)
    body = [line for line in result.lines if line.text not in (TABLE_START, TABLE_END)]
    tables = _tables(result.lines)
    result.lines = body
    if not body:
        raise ImportProblem("没有可导入的文字。")
    start = _header(result, body)
    dated_under_title = result.date_written is not None
    end = _tail(result, body, start)
    if dated_under_title and not result.signatories:
        result.signatories = list(result.issuer_marks)  # 党委 (2008年6月30日): it signs itself
    _body(result, body[start:end])
    result.attachments += [
        a for a in tables if a["title"] not in {x["title"] for x in result.attachments}
    ]
    _recognise(result, year)
    return result


_MONTH_DAY = re.compile(r"\d{1,2}月\d{1,2}[日号]")


def _recognise(result, assumed_year=None):
    year = _year(result)
    text = _all_text(result)
    if year is None and _MONTH_DAY.search(text):
        year = assumed_year or datetime.date.today().year
        result.warnings.append(
            f"原文没有写年份，其中的日期（如阶段、接访日）按{year}年读取，请核对。"
        )
    _group(result)
    _principles(result, text)
    _period(result, text, year)
    _phases(result, text, year)
    _receptions(result, text, year)
    _procedure(result)
    _duties(result, text, year)
    _targets(result, text)
    _mark_lines(result)
