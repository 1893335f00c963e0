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
import io
import re
import zipfile
from dataclasses import dataclass, field

from .textclean import clean, to_simplified

MAX_BYTES = 20 * 1024 * 1024
CJK = "\u3400-\u9fff"
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
CN_DIGITS = {
    "〇": 0,
    "○": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
    "两": 2,
}
WEEKDAY_NAMES = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
KIND_WORDS = (
    ("实施方案", "实施方案"),
    ("实施意见", "实施意见"),
    ("工作方案", "实施方案"),
    ("方案", "实施方案"),
    ("意见", "实施意见"),
    ("通知", "通知"),
    ("总结", "总结"),
    ("报告", "总结"),
)
TITLE_SUFFIXES = (
    "副书记",
    "书记",
    "主席",
    "副乡长",
    "乡长",
    "副镇长",
    "镇长",
    "主任",
    "副主任",
    "所长",
    "局长",
    "副局长",
    "院长",
    "副院长",
    "营长",
    "副营长",
    "科长",
    "股长",
    "部长",
    "委员",
    "队长",
    "站长",
    "庭长",
    "处长",
    "干部",
    "人员",
    "出纳",
    "会计",
    "组长",
    "秘书",
    "主任科员",
    "村长",
    "支书",
    "社长",
)
ROLE_LABELS = ("副组长", "组长", "成员", "副主任", "主任", "组员")


class ImportProblem(ValueError):
    """Input that cannot be imported, said in Chinese."""


# --- reading what was uploaded ------------------------------------------------------------------


def read_upload(filename: str, data: bytes) -> str:
    """The text of an uploaded ``.docx`` or ``.txt`` file; ``ImportProblem`` when it is not one."""
    name = (filename or "").lower()
    if not data:
        raise ImportProblem(
            "上传的文件是空的（0 字节），请选择实施方案的 Word 文档（.docx）或文本文件。"
        )
    if len(data) > MAX_BYTES:
        raise ImportProblem(f"文件过大（{len(data) / 1024 / 1024:.1f} MB），上限 20 MB。")
    if name.endswith(".docx"):
        return docx_text(data)
    if name.endswith(".doc"):
        raise ImportProblem(
            "不支持旧版 Word 格式（.doc）。请在 Word 或 WPS 中“另存为” .docx "
            "后再导入，或直接粘贴文字。"
        )
    if name.endswith((".txt", ".text")) or not name:
        return decode_text(data)
    raise ImportProblem("只能导入 Word 文档（.docx）或文本文件（.txt），也可以直接粘贴文字。")


def decode_text(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        check_text(text)
        return text
    raise ImportProblem(
        "内容不是文字：无法按 UTF-8 或 GBK 读出。请上传 .docx 或 .txt 文件，或粘贴文字。"
    )


def check_text(text: str) -> None:
    """Refuse text that is empty or that is really binary data."""
    if not text or not text.strip():
        raise ImportProblem("没有可导入的文字。")
    controls = sum(1 for c in text if (ord(c) < 32 and c not in "\t\r\n\f\v") or c == "\ufffd")
    if "\x00" in text or controls > max(3, len(text) // 100):
        raise ImportProblem(
            "内容不是文字（看起来是二进制数据）。请上传 .docx 或 .txt 文件，或粘贴文字。"
        )


def docx_text(data: bytes) -> str:
    """Paragraphs of a Word document, one a line; a table's rows as ``a|b|c`` lines, marked."""
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ImportProblem(
            "这不是有效的 Word 文档（.docx）：文件内容不是 docx 格式。"
            "如果是旧版 .doc 文件，请先另存为 .docx。"
        )
    try:
        import docx
        from docx.oxml.ns import qn

        document = docx.Document(io.BytesIO(data))
    except Exception as error:  # noqa: BLE001 - any failure to open is the same answer
        raise ImportProblem(
            f"无法打开这个 Word 文档（{type(error).__name__}），文件可能已损坏。"
        ) from None
    lines = []
    body = document.element.body
    styles = {p._p: p.style.name if p.style is not None else "" for p in document.paragraphs}
    counters = [0, 0, 0, 0]
    for child in body.iterchildren():
        if child.tag == qn("w:p"):
            text = "".join(node.text or "" for node in child.iter(qn("w:t")))
            level = _heading_style_level(styles.get(child, ""))
            if level and text.strip():
                # Word's automatic numbering is not in the text: number the heading as printed
                counters[level - 1] += 1
                counters[level:] = [0] * (4 - level)
                if not heading_of(text.strip()):
                    text = _heading_number(level, counters[level - 1]) + text.strip()
            lines.append(text)
        elif child.tag == qn("w:tbl"):
            rows = []
            for row in child.iter(qn("w:tr")):
                cells = [
                    "".join(t.text or "" for t in cell.iter(qn("w:t"))).strip()
                    for cell in row.iter(qn("w:tc"))
                ]
                rows.append("|".join(cells))
            lines.append(TABLE_START)
            lines.extend(rows)
            lines.append(TABLE_END)
    text = "\n".join(lines)
    if not text.replace(TABLE_START, "").replace(TABLE_END, "").strip():
        raise ImportProblem("这个 Word 文档里没有文字。")
    return text


TABLE_START, TABLE_END = "\x1etable", "\x1eend"


def _heading_style_level(style_name: str):
    match = re.match(r"^(?:Heading|标题)\s*([1-4])$", style_name or "")
    return int(match.group(1)) if match else None


def _chinese(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return (digits[tens] if tens > 1 else "") + "十" + (digits[ones] if ones else "")


def _heading_number(level: int, n: int) -> str:
    return {1: f"{_chinese(n)}、", 2: f"（{_chinese(n)}）", 3: f"{n}．", 4: f"（{n}）"}[level]


# --- cleaning and splitting ---------------------------------------------------------------------

_IMPRINT_LINE = re.compile(r"^\s*主[题題][词詞]")
_OPEN, _CLOSE = r"[\[（(【〔［]", r"[\]）)】〕］]"
_CITED_NUMBER = re.compile(
    rf"([{CJK}]{{1,12}}?[发字函办])\s*{_OPEN}\s*(\d{{4}})\s*{_CLOSE}\s*"
    r"第?\s*0*(\d+)\s*号"
)


def prepare(text: str) -> tuple[list[str], list[str]]:
    """(clean lines, warnings): Simplified, artifacts removed, empty lines dropped."""
    warnings = []
    if to_simplified(text) != text:
        warnings.append("原文含繁体字，已转换为简体。")
    lines = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if raw in (TABLE_START, TABLE_END):
            lines.append(raw)
            continue
        line = clean(
            raw.replace("\u3000", " "), keep_spaces=bool(_IMPRINT_LINE.match(to_simplified(raw)))
        )
        line = re.sub(r"\s+", " ", line).strip()
        # 隰办发[2012]4号 → 隰办发〔2012〕4号, wherever a document number is cited
        line = _CITED_NUMBER.sub(lambda m: f"{m.group(1)}〔{m.group(2)}〕{m.group(3)}号", line)
        if line:
            lines.append(line)
    for number, line in enumerate(lines, start=1):
        if "?" in line or "\ufffd" in line:
            warnings.append(
                f"第{number}行有无法识别的字符（?），可能是转换时丢失的字，请对照原件核对："
                f"{line[:30]}"
            )
    return lines, warnings


_PART = re.compile(r"^第[一二三四五六七八九十百]+篇[：:]\s*(.*)$")


def split_documents(text: str) -> list[tuple[str, str]]:
    """A file holding several documents (第一篇：…, 第二篇：…) → [(name, text)]; one document →
    [("", text)]."""
    parts, name, current = [], "", []
    for line in text.replace("\r\n", "\n").split("\n"):
        match = _PART.match(to_simplified(line.strip()))
        if match:
            if any(x.strip() for x in current):
                parts.append((name, "\n".join(current)))
            name, current = line.strip(), []
        else:
            current.append(line)
    if any(x.strip() for x in current):
        parts.append((name, "\n".join(current)))
    return parts or [("", text)]


# --- what a line is -----------------------------------------------------------------------------

_DOC_NUMBER = re.compile(
    rf"^(?P<code>[{CJK}A-Za-z]{{1,16}}?)\s*{_OPEN}\s*(?P<year>\d{{4}})\s*"
    rf"{_CLOSE}\s*第?\s*0*(?P<n>\d+)\s*号$"
)
_HEADINGS = (
    (1, re.compile(r"^([一二三四五六七八九十]{1,3})\s*[、，,．.]\s*(?P<rest>.+)$")),
    (
        2,
        re.compile(
            r"^[（(]\s*([一二三四五六七八九十]{1,3})\s*[）)]\s*[、，,．.]?\s*"
            r"(?P<rest>.+)$"
        ),
    ),
    (4, re.compile(r"^[（(]\s*(\d{1,2})\s*[）)]\s*[、，,．.]?\s*(?P<rest>.+)$")),
    (3, re.compile(r"^(\d{1,2})\s*[、．.，,](?!\d)\s*(?P<rest>.+)$")),
)
_DATE = re.compile(r"^[（(]?(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日[）)]?$")
_CN_DATE = re.compile(
    r"^[（(]?([〇○零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,2})月"
    r"([一二三四五六七八九十]{1,3})日[）)]?$"
)
_NO_BODY = re.compile(r"^[（(]\s*[此次]页无正文\s*[）)]$")
_ATTACHMENT = re.compile(r"^附\s*件?\s*(\d*)\s*[：:]\s*(?P<rest>.*)$")
_NUMBERED_ATTACHMENT = re.compile(r"^(\d{1,2})\s*[．.、]\s*(?P<rest>.+)$")
_NOTE = re.compile(r"^(附注[：:].+|[（(][^）)]*(联系人|联系电话|此件)[^）)]*[）)])$")
_IMPRINT_LABEL = re.compile(r"(主题词|抄送|报|发)[：:]")
_PRINTED = re.compile(
    r"^(?P<by>.*?)\s*(?P<date>\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)\s*"
    r"(印发|印)?$"
)
_SENTENCE_PUNCTUATION = re.compile(r"[，。；！？：]")


def heading_of(line: str):
    """(level, rest) when the line starts with a heading number, else None."""
    for level, pattern in _HEADINGS:
        match = pattern.match(line)
        if match:
            if level == 3 and re.match(r"^\d{1,2}\s*[、．.，,]\s*\d", line):
                continue  # 2.5万元, not a heading
            return level, match.group("rest").strip()
    return None


def chinese_number(text: str) -> int:
    """二○一二 → 2012 (digit by digit); 十二, 二十六, 三十一 → 12, 26, 31."""
    if len(text) == 4 and "十" not in text:
        return int("".join(str(CN_DIGITS[c]) for c in text))
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (CN_DIGITS[tens] if tens else 1) * 10 + (CN_DIGITS[ones] if ones else 0)
    return CN_DIGITS[text]


def date_of(line: str):
    """A 成文日期 line in Arabic or Chinese numerals → date, else None."""
    match = _DATE.match(line)
    try:
        if match:
            return datetime.date(*(int(x) for x in match.groups()))
        match = _CN_DATE.match(line)
        if match:
            return datetime.date(*(chinese_number(x) for x in match.groups()))
    except (ValueError, KeyError):
        return None
    return None


def _short_name(line: str) -> bool:
    """A line that can be an issuing body or a signature: short, no sentence punctuation."""
    return 2 <= len(line) <= 30 and not _SENTENCE_PUNCTUATION.search(line) and not heading_of(line)


# --- the result ---------------------------------------------------------------------------------


@dataclass
class Line:
    number: int
    text: str
    role: str = "正文"
    parts: list = field(default_factory=list)  # the structured parts it also fed: 阶段, 接访安排 …


@dataclass
class Imported:
    """What was recognised in a document; lists of plain dicts, ready for the review form."""

    lines: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    kind: str = "实施方案"
    title: str = ""
    doc_number: str = ""
    issuer_marks: list = field(default_factory=list)
    main_recipients: str = ""
    preamble: str = ""
    sections: list = field(default_factory=list)  # {"level", "heading", "text"}
    principles: list = field(default_factory=list)
    targets: list = field(default_factory=list)
    procedure: list = field(default_factory=list)  # {"name", "description", "time_limit_days"}
    reporting_duties: list = field(default_factory=list)
    phases: list = field(default_factory=list)  # {"name", "start_date", "end_date", ...}
    receptions: list = field(default_factory=list)
    attachments: list = field(default_factory=list)  # {"title", "kind", "text"}
    signatories: list = field(default_factory=list)
    date_written: datetime.date | None = None
    note: str = ""
    no_body_on_next_page: bool = False
    subject_terms: list = field(default_factory=list)
    report_to: list = field(default_factory=list)
    copy_to: list = field(default_factory=list)
    distribute_to: list = field(default_factory=list)
    printed_by: str = ""
    printed_date: datetime.date | None = None
    period_start: datetime.date | None = None
    period_end: datetime.date | None = None
    group: dict = field(default_factory=dict)  # {"name", "members": [(role, name, title)], …}

    PLAN_FIELDS = (
        "kind",
        "title",
        "doc_number",
        "issuer_marks",
        "main_recipients",
        "preamble",
        "principles",
        "signatories",
        "date_written",
        "note",
        "no_body_on_next_page",
        "subject_terms",
        "report_to",
        "copy_to",
        "distribute_to",
        "printed_by",
        "printed_date",
        "period_start",
        "period_end",
    )

    def plan(self, unit):
        """An unsaved plan of ``unit`` holding everything recognised."""
        from .plan import (
            Attachment,
            Phase,
            Plan,
            ProcedureStep,
            ReceptionArrangement,
            ReportingDuty,
            Section,
            Target,
        )

        values = {name: getattr(self, name) for name in self.PLAN_FIELDS}
        values["title"] = values["title"] or "（未识别出标题）"
        if values["doc_number"]:
            from .plan import normalize_doc_number

            values["doc_number"] = normalize_doc_number(values["doc_number"])
        return Plan(
            unit=unit,
            **{k: v for k, v in values.items() if v not in (None, "", [])},
            sections=[Section(**s) for s in self.sections],
            targets=[Target(**t) for t in self.targets],
            procedure=[ProcedureStep(**p) for p in self.procedure],
            reporting_duties=[ReportingDuty(**d) for d in self.reporting_duties],
            phases=[Phase(**p) for p in self.phases],
            receptions=[ReceptionArrangement(**r) for r in self.receptions],
            attachments=[Attachment(**a) for a in self.attachments],
        )

    def leadership_group(self, unit):
        """(unsaved LeadershipGroup, people to create) when a group was recognised."""
        from .group import GroupMember, LeadershipGroup
        from .unit import Person

        if not self.group.get("members"):
            return None, []
        people, members = [], []
        known = {p.name: p for p in Person.objects(unit=unit)} if unit and unit.pk else {}
        for role, name, title in self.group["members"]:
            role = role if role in ("组长", "副组长") else "成员"
            person = known.get(name)
            if person is None:
                person = Person(unit=unit, name=name, title=title or None, is_leader=role != "成员")
                known[name] = person
                people.append(person)
            members.append(GroupMember(role=role, name=name, title=title or None, person=person))
        group = LeadershipGroup(
            unit=unit,
            name=self.group.get("name") or "领导小组",
            members=members,
            office_name=self.group.get("office_name") or None,
            office_director=self.group.get("office_director") or None,
            office_director_title=self.group.get("office_director_title") or None,
            office_duties=list(self.group.get("office_duties") or []),
        )
        return group, people


def save_group(group, people, plan):
    """Saves a group from ``Imported.leadership_group`` with the people it creates, for ``plan``."""
    for person in people:
        person.save()
    group.plan = plan
    return group.save()


# --- reading a document -------------------------------------------------------------------------


def import_text(text: str) -> Imported:
    """Recognise one document's structure (``split_documents`` first for a file of several)."""
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
    _recognise(result)
    return result


def _tables(lines):
    """Tables of a Word document become table attachments, titled by the line before them."""
    tables, inside, rows, title = [], False, [], ""
    previous = ""
    for line in lines:
        if line.text == TABLE_START:
            inside, rows, title = True, [], previous
        elif line.text == TABLE_END:
            inside = False
            tables.append(
                {
                    "title": _attachment_title(title) or f"表格{len(tables) + 1}",
                    "kind": "table",
                    "text": "\n".join(rows),
                }
            )
        elif inside:
            rows.append(line.text)
            line.role = "表格"
        else:
            previous = line.text
    return tables


def _attachment_title(text):
    match = _ATTACHMENT.match(text or "")
    return (match.group("rest") if match else "").strip()


def _kind_of(title):
    for word, kind in KIND_WORDS:
        if word in title:
            return kind
    return None


def _header(result, lines) -> int:
    """Reads 发文字号, 发文机关标志, 标题, 成文日期 under the title, 主送机关; returns where the
    body starts."""
    i, limit = 0, min(len(lines), 10)
    marks = []
    while i < limit:
        line = lines[i]
        text = line.text
        if line.role == "表格":
            break
        if not result.doc_number and _DOC_NUMBER.match(text):
            result.doc_number, line.role = text, "发文字号"
            i += 1
            continue
        kind = _kind_of(text)
        if (
            not result.title
            and (kind or text.startswith("关于"))
            and len(text) <= 60
            and "。" not in text
        ):
            parts, j = [text], i
            # a title broken over lines: 关于开展“……”活动 / 实施方案
            while (
                not _kind_of(parts[-1])
                and j + 1 < limit
                and len(lines[j + 1].text) <= 30
                and "。" not in lines[j + 1].text
                and not heading_of(lines[j + 1].text)
            ):
                j += 1
                parts.append(lines[j].text)
            for k in range(i, j + 1):
                lines[k].role = "标题"
            result.title = "".join(parts)
            result.kind = _kind_of(result.title) or "实施方案"
            i = j + 1
            continue
        if not result.title and _short_name(text) and i + 1 < len(lines):
            marks.append(line)
            i += 1
            continue
        if result.title and (written := date_of(text)):
            result.date_written, line.role = written, "成文日期"
            i += 1
            continue
        if (
            result.title
            and text.endswith(("：", ":"))
            and len(text) <= 80
            and "。" not in text
            and not heading_of(text)
        ):
            result.main_recipients, line.role = text.rstrip("：:"), "主送机关"
            i += 1
            continue
        break
    if not result.title:
        # no 方案/意见/通知 in the first lines: a short first line is the title (a news report)
        candidates = marks or ([lines[0]] if _short_name(lines[0].text) else [])
        if candidates:
            title = candidates.pop()
            result.title, title.role = title.text, "标题"
            result.kind = "实施方案"
            marks = candidates
    for mark in marks:
        mark.role = "发文机关标志"
    result.issuer_marks = [m.text for m in marks]
    return (
        max((n for n, line in enumerate(lines) if line.role != "正文" and n < 10), default=-1) + 1
    )


def _tail(result, lines, start) -> int:
    """Reads, from the end: the 版记 (主题词, 报/抄送/发, 印发), （此页无正文）, 附注, 成文日期,
    署名 and the 附件 lines; returns where the body ends."""
    end = len(lines)
    i = end - 1
    while i >= start:
        text = lines[i].text
        if lines[i].role == "表格":
            i -= 1
            continue
        if _IMPRINT_LABEL.match(text) or (_PRINTED.match(text) and "印" in text[-3:]):
            _imprint(result, text)
            lines[i].role = "版记"
        elif _NO_BODY.match(text):
            result.no_body_on_next_page, lines[i].role = True, "此页无正文"
        elif _NOTE.match(text):
            result.note, lines[i].role = text, "附注"
        elif (written := date_of(text)) and not result.date_written:
            result.date_written, lines[i].role = written, "成文日期"
            # the signatures stand just above the date
            j = i - 1
            names = []
            while (
                j >= start
                and _short_name(lines[j].text)
                and len(names) < 4
                and not _ATTACHMENT.match(lines[j].text)
            ):
                names.insert(0, lines[j].text)
                lines[j].role = "署名"
                j -= 1
            result.signatories = names
            i = j
            continue
        else:
            break
        i -= 1
    end = i + 1
    # 附件 lines just above (附件：1．… 2．…, or 附：…); the numbered lines after 附件： are read
    # before it, going up, and kept only when it comes
    j, found, pending = end - 1, [], []
    while j >= start:
        text = lines[j].text
        match = _ATTACHMENT.match(text)
        numbered = _NUMBERED_ATTACHMENT.match(text)
        if match:
            for line in [lines[j], *pending]:
                line.role = "附件说明"
            first = [_strip_number(match.group("rest"))] if match.group("rest") else []
            found = first + [_strip_number(x.text) for x in pending] + found
            pending = []
            j -= 1
            end = j + 1
            continue
        if numbered and len(text) <= 60 and "。" not in text[:-1]:
            pending.insert(0, lines[j])
            j -= 1
            continue
        break
    for title in found:
        kind = "schedule" if re.search(r"日程|接访安排|安排表", title) else "text"
        result.attachments.append({"title": title.rstrip("。"), "kind": kind})
    return end


def _strip_number(text):
    match = _NUMBERED_ATTACHMENT.match(text)
    return match.group("rest") if match else text


def _imprint(result, text):
    """主题词：… 报：… 抄送：… 发：… 印发机关 日期 — on one line or several."""
    pieces = [(m.group(1), m.end()) for m in _IMPRINT_LABEL.finditer(text)]
    if not pieces:
        _printed(result, text)
        return
    for n, (label, begin) in enumerate(pieces):
        stop = (
            text.find(pieces[n + 1][0] + text[pieces[n + 1][1] - 1], begin)
            if n + 1 < len(pieces)
            else len(text)
        )
        value = text[begin:stop].strip()
        if n + 1 == len(pieces):
            value = _printed(result, value)
        if label == "主题词":
            result.subject_terms = [t for t in re.split(r"[\s、，,]+", value) if t]
        else:
            items = [x.strip(" 。.") for x in re.split(r"[，,、；;]", value) if x.strip(" 。.")]
            {"报": result.report_to, "抄送": result.copy_to, "发": result.distribute_to}[
                label
            ].extend(items)


def _printed(result, text):
    """Takes ``印发机关 2012年3月9日印发`` off the end of a line; returns what came before it."""
    match = _PRINTED.match(text)
    if not match:
        return text
    day = _DATE.match(re.sub(r"\s+", "", match.group("date")))
    if day:
        result.printed_date = datetime.date(*(int(x) for x in day.groups()))
    before = match.group("by").strip()
    # the last list item and the 印发机关 may run together: 营各股（室）隰县民兵农建营办公室
    cut = max(before.rfind(" "), before.rfind("）"), before.rfind("，"), before.rfind("、"))
    if cut >= 0 and re.search(r"(办公室|办|室|处|委|局|部|厅|院|所)$", before[cut + 1 :]):
        result.printed_by = before[cut + 1 :]
        return before[: cut + 1].strip()
    result.printed_by = before
    return ""


def _split_heading(rest):
    """(heading, text) of a heading line whose text runs on."""
    stop = rest.find("。")
    if 0 <= stop < 60:
        return rest[: stop + 1], rest[stop + 1 :].strip()
    role = re.search(r"(副?组长|成员)[：:]", rest)
    if role and role.start() > 2:
        return rest[: role.start()], rest[role.start() :]
    if len(rest) > 40:
        # 充分认识……的重要意义开展领导干部……，是……: the text starts by repeating the heading
        comma = rest.find("，")
        comma = comma if comma > 0 else len(rest)
        for i in range(6, min(comma, 60)):
            if rest[i : i + 6] in rest[:i]:
                return rest[:i], rest[i:]
    return rest, ""


def _body(result, lines):
    """Sections by heading; what comes before the first heading is the 前言 (the first
    paragraph) and plain paragraphs."""
    current = None
    for line in lines:
        if line.role != "正文":
            continue
        found = heading_of(line.text)
        if found:
            level, rest = found
            heading, text = _split_heading(rest)
            current = {"level": level, "heading": heading.strip(), "text": text}
            result.sections.append(current)
            line.role = f"{'一二三四'[level - 1]}级标题"
            continue
        if current is None:
            if not result.preamble and not result.sections:
                result.preamble = line.text
                line.role = "前言"
                continue
            result.sections.append({"level": 0, "heading": "", "text": line.text})
            continue
        current["text"] = "\n".join(filter(None, [current["text"], line.text]))
    for section in result.sections:
        # ①…。②…: one item a line
        section["text"] = re.sub(rf"(?<=[^\n])(?=[{CIRCLED}])", "\n", section["text"] or "")


# --- the structured parts -----------------------------------------------------------------------


def _all_text(result):
    return "\n".join([result.preamble, *[f"{s['heading']}\n{s['text']}" for s in result.sections]])


def _year(result):
    for value in (
        result.doc_number,
        result.date_written and str(result.date_written.year),
        _all_text(result),
    ):
        match = re.search(r"(19|20)\d{2}", value or "")
        if match:
            return int(match.group(0))
    return None


def _recognise(result):
    year = _year(result)
    text = _all_text(result)
    _group(result)
    _principles(result, text)
    _period(result, text, year)
    _phases(result, text, year)
    _receptions(result, text)
    _procedure(result)
    _duties(result, text, year)
    _targets(result, text)
    _mark_lines(result)


def _mark_lines(result):
    """Tell each source line which structured parts were read from it."""
    found = [("领导小组", name) for _, name, _ in result.group.get("members", [])]
    found += [("原则", p) for p in result.principles]
    found += [("阶段", p["name"]) for p in result.phases]
    found += [("接访安排", r["description"]) for r in result.receptions if r.get("description")]
    found += [("办理程序", f"{p['name']}：") for p in result.procedure]
    found += [("报送要求", d["name"].replace("周报", "")) for d in result.reporting_duties]
    found += [("目标", "化解率") for _ in result.targets]
    for line in result.lines:
        for part, needle in found:
            if needle and needle in line.text and part not in line.parts:
                line.parts.append(part)


_PERSON = re.compile(rf"([{CJK}]{{2,4}})\s*[（(]([^）)]+)[）)]")
_ROLE_LABEL = re.compile(r"((?:副?组长|成员)[：:])")


def _group(result):
    """组长：杨立平（农建营党支部书记）副组长：… and the prose form 由……任组长，……为成员."""
    members, group_name, office_duties = [], "", []
    for section in result.sections:
        lines = (section["text"] or "").split("\n")
        if not any(
            re.match(r"^\s*(副?组\s*长|成\s*员)\s*[：:]", x) for x in lines
        ) and not re.search(r"(副?组长|成员)[：:]", section["heading"]):
            continue
        found, kept = _group_lines(lines)
        members += found
        section["text"] = "\n".join(kept)
        heading = section["heading"]
        match = re.search(r"成立(.*领导小组)", heading)
        group_name = group_name or (match.group(1) if match else "")
    if not members:
        prose = re.search(
            rf"由([{CJK}、]+?)任组长[，,](.+?)为成员的?([{CJK}“”]*领导小组)", _all_text(result)
        )
        if prose:
            members.append(("组长", *_name_and_title(prose.group(1))[::-1]))
            for chunk in re.split(r"[，,]", prose.group(2)):
                if chunk:
                    title, name = _name_and_title(chunk)
                    members.append(("成员", name, title))
            duties = re.search(r"领导小组[，,](负责[^。；]+)", _all_text(result))
            office_duties = [duties.group(1)] if duties else []
            campaign = re.search(r"“([^”]+)”", result.title)
            group_name = f"“{campaign.group(1)}”工作领导小组" if campaign else "领导小组"
    if not members:
        return
    result.group = {
        "name": group_name or "领导小组",
        "members": members,
        "office_name": "",
        "office_director": "",
        "office_director_title": "",
        "office_duties": office_duties,
    }
    text = _all_text(result)
    if "下设办公室" in text or "领导小组办公室" in text:
        result.group["office_name"] = "领导小组办公室"
    director = re.search(rf"由([{CJK}]{{2,14}}?)(?:同志)?(兼任|担任|任)(?:办公室)?主任", text)
    if director:
        title, name = _name_and_title(director.group(1))
        result.group["office_director"] = name
        result.group["office_director_title"] = title + (
            "（兼任）" if director.group(2) == "兼任" and title else ""
        )
    duties = re.search(r"主要职责[是为]?[：:](.+?)(?:\n|$)", text)
    if duties:
        result.group["office_duties"] = [
            d.strip(" 。") for d in re.split(r"[；;]", duties.group(1)) if d.strip(" 。")
        ]


def _group_lines(lines):
    """(members, the lines with one person a line) of a 组长：…/副组长：…/成员：… list."""
    members, kept = [], []
    role = last_role = None

    def keep(member_role, name, title):
        # one person a line; the role label only where it changes
        nonlocal last_role
        members.append((member_role, name, title))
        entry = f"{name}（{title}）" if title else name
        kept.append(entry if member_role == last_role else f"{member_role}：{entry}")
        last_role = member_role

    for line in lines:
        label = re.match(r"^\s*((?:副?组|成|组)\s*[长员])\s*[：:]\s*(.*)$", line)
        rest = line
        if label:
            role, rest = label.group(1).replace(" ", ""), label.group(2)
        if role is None:
            kept.append(line)
            continue
        people = _PERSON.findall(rest)
        if people and _ROLE_LABEL.search(rest):
            # 组长：杨立平（…）副组长：王海平（…） on one line
            for chunk in _ROLE_LABEL.split(line):
                if _ROLE_LABEL.fullmatch(chunk):
                    role = chunk[:-1]
                    continue
                for name, title in _PERSON.findall(chunk):
                    keep(role, name, title)
            continue
        if people and not re.sub(r"[\s、，,；;。]", "", _PERSON.sub("", rest)):
            for name, title in people:
                keep(role, name, title)
            continue
        names = [n for n in re.split(r"[、，,\s]+", rest.strip("。 ")) if n]
        if label and names and all(re.fullmatch(rf"[{CJK}]{{2,4}}", n) for n in names):
            members.extend((role, n, "") for n in names)
            kept.append(line)
            last_role = role
            continue
        role = last_role = None
        kept.append(line)
    return members, kept


def _name_and_title(text):
    """乡党委书记乜冠军 → (乡党委书记, 乜冠军); 崔国良 → ("", 崔国良)."""
    text = text.strip()
    best = None
    for suffix in TITLE_SUFFIXES:
        at = text.rfind(suffix)
        if at >= 0 and 2 <= len(text) - at - len(suffix) <= 3:
            end = at + len(suffix)
            if best is None or end > best:
                best = end
    if best is None:
        return "", text
    return text[:best], text[best:]


def _principles(result, text):
    found = []
    for section in result.sections:
        if "原则" in section["heading"]:
            for line in section["text"].split("\n"):
                item = re.sub(rf"^[{CIRCLED}\d（()）、．.]+", "", line).strip(" 。；")
                if item:
                    found.append(item)
    found += re.findall(r"坚持[^；。，“”]*?的原则", text)
    # 坚持“一个指导”（构建和谐社会），抓住“两个关键”（事要解决，稳控到位）
    found += [
        f"{inner}（{name}）"
        for name, inner in re.findall(r"(?:坚持|抓住)“([^”]{2,10})”[（(]([^）)]+)[）)]", text)
    ]
    for quoted in re.findall(r"“([^”]+)”的(?:原则|要求)", text):
        items = [x for x in quoted.split("、") if x]
        if len(items) >= 3 and "，" not in quoted:
            found += items
    result.principles = list(dict.fromkeys(found))


def _date_in(year, month, day):
    try:
        return datetime.date(year, int(month), int(day))
    except (TypeError, ValueError):
        return None


def _month_end(year, month):
    import calendar

    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _period(result, text, year):
    """从2012年3月开始到2012年12月底结束; 自2008年6月30日开始至12月底结束."""
    match = re.search(
        r"[从自](\d{4})年(\d{1,2})月(?:(\d{1,2})日)?(?:开始|起)?[，,]?[到至]"
        r"(?:(\d{4})年)?(\d{1,2})月(?:(\d{1,2})日|底|末)",
        text,
    )
    if not match:
        return
    first_year, first_month, first_day, last_year, last_month, last_day = match.groups()
    first_year = int(first_year)
    last_year = int(last_year or first_year)
    result.period_start = _date_in(first_year, first_month, first_day or 1)
    result.period_end = (
        _date_in(last_year, last_month, last_day)
        if last_day
        else _month_end(last_year, int(last_month))
    )


def _phases(result, text, year):
    year = year or (result.period_start.year if result.period_start else None)
    if year is None:
        return
    for match in re.finditer(
        rf"([{CJK}“”]{{2,16}}阶段)[（(](\d{{1,2}})月(\d{{1,2}})日"
        r"(?:到|至|—|-|～|~)(\d{1,2})月(\d{1,2})日[）)]",
        text,
    ):
        name, m1, d1, m2, d2 = match.groups()
        start, end = _date_in(year, m1, d1), _date_in(year, m2, d2)
        if start and end and name not in {p["name"] for p in result.phases}:
            result.phases.append({"name": name, "start_date": start, "end_date": end})
    for match in re.finditer(r"(\d{1,2})月份?为[^“。]*“([^”]+)”[，,]?([^，。]*)", text):
        month, name, rest = int(match.group(1)), match.group(2), match.group(3)
        if 1 <= month <= 12 and name not in {p["name"] for p in result.phases}:
            phase = {
                "name": name,
                "start_date": datetime.date(year, month, 1),
                "end_date": _month_end(year, month),
            }
            if "每周" in rest or "每天" in rest:
                phase["intensity"] = rest.strip()
            result.phases.append(phase)


def _clause(text, at):
    """The clause (between ，。； and the like) around position ``at``."""
    start = max(text.rfind(p, 0, at) for p in "，。；\n：") + 1
    stops = [i for i in (text.find(p, at) for p in "，。；\n") if i >= 0]
    return text[start : min(stops) if stops else len(text)]


def _receptions(result, text):
    rules = []

    def add(rule, at):
        key = tuple(rule.get(k) for k in ("kind", "weekday", "nth", "day_of_month"))
        if key in {
            tuple(r.get(k) for k in ("kind", "weekday", "nth", "day_of_month")) for r in rules
        }:
            return
        rule.setdefault("description", _clause(text, at).strip("，, "))
        holiday = re.search(r"节假日(顺推|顺延|提前)|遇节假日(不安排|取消)", rule["description"])
        if holiday:
            rule["holiday_rule"] = "skip" if holiday.group(2) else "next_working_day"
        rules.append(rule)

    nth_weekday = r"每(?:个)?月的?第([一二三四1-4])个?(?:星期|周)([一二三四五六日天])"
    for m in re.finditer(nth_weekday, text):
        nth = int(m.group(1)) if m.group(1).isdigit() else CN_DIGITS[m.group(1)]
        add(
            {"kind": "monthly_nth_weekday", "nth": nth, "weekday": WEEKDAY_NAMES[m.group(2)]},
            m.start(),
        )
    for m in re.finditer(r"每月(\d{1,2})日", text):
        if not re.search(r"每月\d{1,2}日前", text[m.start() : m.end() + 1]):
            add({"kind": "monthly_day", "day_of_month": int(m.group(1))}, m.start())
    for m in re.finditer(r"每(?:个)?(?:周|星期)([一二三四五六日天])(?!前)", text):
        if text[m.end() : m.end() + 1] in ("前",):
            continue
        add({"kind": "weekly", "weekday": WEEKDAY_NAMES[m.group(1)]}, m.start())
    for m in re.finditer(rf"([{CJK}、]+?)每月各?接访(\d+)天", text):
        clause = _clause(text, m.start())
        who = re.match(rf"([{CJK}、]+?)每月", clause)
        leaders = [x for x in (who.group(1) if who else "").split("、") if x]
        add(
            {"kind": "days_per_leader", "days_per_month": int(m.group(2)), "leaders": leaders},
            m.start(),
        )
    for m in re.finditer(r"每周至少(?:安排)?([一二三四五六七\d])天", text):
        days = int(m.group(1)) if m.group(1).isdigit() else CN_DIGITS[m.group(1)]
        clause = _clause(text, m.start())
        who = re.match(rf"([{CJK}]+?)(?:该月|本月|每周)", clause)
        rule = {"kind": "phase", "days_per_week": days, "leaders": [who.group(1)] if who else []}
        phase = next(
            (p for p in result.phases if p["name"] in text[max(0, m.start() - 60) : m.start()]),
            None,
        )
        if phase:
            rule["start_date"], rule["end_date"] = phase["start_date"], phase["end_date"]
        add(rule, m.start())
    for m in re.finditer(rf"由(?:[{CJK}]+的)?([{CJK}]{{2,8}}?)亲自接访", text):
        add({"kind": "any_time", "leaders": [m.group(1)]}, m.start())
    for m in re.finditer(rf"([{CJK}]+?)坚持每周接待", text):
        add({"kind": "phase", "days_per_week": 1, "leaders": [m.group(1)]}, m.start())
    for m in re.finditer(rf"([{CJK}]+?)(?:要)?(?:坚持)?随时接(?:访|待)", text):
        add({"kind": "any_time", "leaders": [m.group(1).removesuffix("坚持")]}, m.start())
    labelled_place = re.search(r"接访地点[：:]([^。\n]+)", text)
    labelled_accompany = re.search(r"参与接访的(?:其他)?(?:成员|人员)[：:]([^。\n]+)", text)
    for rule in rules:
        if rule["kind"] == "any_time":
            continue
        # a place or the people taking part said in the rule's own paragraph, or under a label
        paragraph = next((p for p in text.split("\n") if rule["description"] in p), "")
        if not rule.get("leaders"):
            # 每周五为院长接待日; 局领导班子成员轮流; 由分管副局长接访
            who = (
                re.search(
                    rf"为(?:我[{CJK}]的)?([{CJK}]{{1,8}}?)(?:接待日|接访日)", rule["description"]
                )
                or re.search(rf"([{CJK}]{{2,12}}?)轮流", paragraph)
                or re.search(rf"由([{CJK}、]{{2,20}}?)(?:亲自)?接(?:访|待)", paragraph)
            )
            if who:
                rule["leaders"] = [re.sub(r"^.*[，。；]", "", who.group(1))]
        place = re.search(rf"在([{CJK}]+?(?:会议室|接待室|大厅|信访室))", paragraph)
        accompany = re.search(rf"([{CJK}]+?)共同参与", paragraph)
        if place or labelled_place:
            rule.setdefault("place", (place or labelled_place).group(1).strip("。 "))
        if accompany or labelled_accompany:
            rule.setdefault(
                "accompany", (accompany or labelled_accompany).group(1).split("、")[-1].strip("。 ")
            )
        if result.period_start and rule["kind"] in (
            "days_per_leader",
            "weekly",
            "monthly_nth_weekday",
            "monthly_day",
        ):
            rule.setdefault("start_date", result.period_start)
            rule.setdefault("end_date", result.period_end)
    result.receptions = rules


def _procedure(result):
    for section in result.sections:
        if not re.search(r"程序|流程|步骤", section["heading"]):
            continue
        for line in section["text"].split("\n"):
            match = re.match(rf"^[{CIRCLED}]?\s*([{CJK}]{{2,6}})[：:](.+)$", line)
            if not match:
                continue
            step = {"name": match.group(1), "description": match.group(2).strip(" 。")}
            days = re.search(r"(?:提前|在|于)(\d+)(?:个工作日|天|日)", match.group(2))
            if days:
                step["time_limit_days"] = int(days.group(1))
                if "工作日" in days.group(0):
                    step["day_kind"] = "working"
            result.procedure.append(step)


def _duties(result, text, year):
    sentences = re.split(r"[。；\n]", text)
    for sentence in sentences:
        if not re.search(r"报告|上报|报送|报(?=[" + CJK + "])", sentence):
            continue
        if not re.search(r"每天|每日|每周|次月|每月", sentence):
            continue
        duty = {}
        if "次月" in sentence:
            duty["cadence"] = "monthly"
            day = re.search(r"次月(\d{1,2})日", sentence)
            if day:
                duty["deadline_day"] = int(day.group(1))
                duty["deadline"] = f"次月{day.group(1)}日前"
        elif re.search(r"每天|每日", sentence):
            duty["cadence"] = "daily"
            time = re.search(r"(\d{1,2})[:：](\d{2})", sentence)
            if time:
                duty["deadline_time"] = f"{int(time.group(1)):02d}:{time.group(2)}"
                duty["deadline"] = f"每天{time.group(0).replace('：', ':')}前"
        elif "每周" in sentence:
            duty["cadence"] = "weekly"
            day = re.search(r"每周([一二三四五六日])前?", sentence)
            if day:
                duty["deadline_weekday"] = WEEKDAY_NAMES[day.group(1)]
                duty["deadline"] = f"每周{day.group(1)}前"
        else:
            duty["cadence"] = "monthly"
        recipients = re.search(
            rf"(?:向|上报|报送|报)([{CJK}、和，]+?)(?:报告|$|[，。]|\d)", sentence
        )
        if recipients:
            duty["recipients"] = [r for r in re.split(r"[、和，]", recipients.group(1)) if r]
        if "零报告" in sentence:
            duty["zero_report"] = True
            before = re.search(rf"([{CJK}]*)“零报告”", sentence)
            prefix = re.split(r"[和及与、的]", before.group(1))[-1][-6:] if before else ""
            duty["name"] = f"{prefix}“零报告”"
            since = re.search(r"从(\d{1,2})月(\d{1,2})日起", sentence)
            if since and year:
                duty["start_date"] = _date_in(year, since.group(1), since.group(2))
        else:
            what = re.search(rf"([{CJK}、]+?情况)", sentence)
            name = what.group(1) if what else "情况报告"
            name = re.sub(r"^(报告1次|报告|本周的|本月的|本周|本月)", "", name)
            name = re.sub(r"^.*?(本周的|本月的)", "", name)
            if duty["cadence"] == "weekly" and "每周" not in name:
                name += "周报"
            duty["name"] = name
        if result.period_end and duty.get("cadence") != "once":
            duty.setdefault("start_date", result.period_start)
            duty.setdefault("end_date", result.period_end)
        duty = {k: v for k, v in duty.items() if v is not None}
        if duty["name"] not in {d["name"] for d in result.reporting_duties}:
            result.reporting_duties.append(duty)


def _targets(result, text):
    rate = re.search(r"化解率(?:达到|不低于|在)?(\d{1,3})%", text)
    if rate:
        result.targets.append(
            {
                "name": "化解率",
                "metric": "resolution_rate",
                "comparator": ">=",
                "value": f"{rate.group(1)}%",
            }
        )
