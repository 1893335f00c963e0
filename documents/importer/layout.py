"""Laying out lines: clean Simplified lines, documents of a file, what a line is (heading,
date, short name), tables, and the body's sections."""

import datetime
import re
from dataclasses import dataclass, field

from ..textclean import clean, to_simplified
from .common import CIRCLED, CJK, TABLE_END, TABLE_START, number_of

_IMPRINT_LINE = re.compile(r"^\s*主[题題][词詞]")
_OPEN, _CLOSE = r"[\[（(【〔［]", r"[\]）)】〕］]"
_CITED_NUMBER = re.compile(
    rf"([{CJK}]{{1,12}}?[发字函办])\s*{_OPEN}\s*(\d{{4}})\s*{_CLOSE}\s*"
    r"第?\s*0*(\d+)\s*号"
)


# A character lost in conversion leaves a ? inside the text (确?;顒, ?F将, 当?shù); a question
# mark that ends a sentence (是否属实?” / 怎么办?) is a genuine one and is not flagged.
_LOST = re.compile(r"\?(?![\s”’」）)]|$)")


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
        line = clean(raw.replace("\u3000", " "), keep_spaces=bool(_IMPRINT_LINE.match(raw)))
        line = re.sub(r"\s+", " ", line).strip()
        # 隰办发[2012]4号 → 隰办发〔2012〕4号, wherever a document number is cited
        line = _CITED_NUMBER.sub(lambda m: f"{m.group(1)}〔{m.group(2)}〕{m.group(3)}号", line)
        if line:
            lines.append(line)
    for number, line in enumerate(lines, start=1):
        if _LOST.search(line) or "\ufffd" in line:
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
            name, current = clean(line.strip()), []  # named in Simplified, as shown
        else:
            current.append(line)
    if any(x.strip() for x in current):
        parts.append((name, "\n".join(current)))
    return parts or [("", text)]


# --- what a line is -----------------------------------------------------------------------------

_DOC_NUMBER = re.compile(
    rf"^(?P<code>[{CJK}A-Za-z]{{1,16}}?)\s*{_OPEN}\s*(?P<year>\d{{4}})\s*"
    rf"{_CLOSE}\s*第?\s*0*(?P<n>\d+)\s*号?$"  # 里委[2009]41: the 号 left out
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
_ATTACHMENT = re.compile(r"^附\s*[件表]?\s*(\d*)\s*[：:]\s*(?P<rest>.*)$")  # 附件： 附： 附表：
_NUMBERED_ATTACHMENT = re.compile(r"^(\d{1,2})\s*[．.、，,]\s*(?P<rest>.+)$")
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
    """二○一二 → 2012 (digit by digit); 十二, 二十六, 三十一 → 12, 26, 31 (KeyError if not one)."""
    number = number_of(text)
    if number is None:
        raise KeyError(text)
    return number


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


_FURNITURE = re.compile(
    r"^(?:朗读|微信扫一扫|扫一扫|分享到|设为首页|当前位置|首页|发布时间|时间[:：]|来源[:：]|日期[:：]"
    r"|导语[:：]|©|【字号|字号|字体[:：]|打印本页|关闭窗口|责任编辑|相关阅读|相关文章|相关新闻|上一篇"
    r"|下一篇|Copyright|浏览次数|点击数|[（(]未完|返回顶部|索引号|作者[:：]|扫一扫在手机)"
)


_SITE_NAME = re.compile(r"[^，。；：:]{2,16}网(?:站|址)?(?:\s*[-—–_|·]+\s*[^，。；]{0,24})?")


def page_furniture(line: str) -> bool:
    """A web page's own line copied with the text: 朗读, 微信扫一扫, 设为首页 / 添加收藏, a time
    stamp, 责任编辑, 相关阅读 … Never a title, an issuer or a signature."""
    if _FURNITURE.match(line):
        return True
    if re.match(r"^(?:https?[:：]//|www\.)\S+$", line.strip()):
        return True  # the page's address
    if _SITE_NAME.fullmatch(line.strip()):
        return True  # the site's name: 法搜网--中国法律信息搜索网 (no issuing body ends in 网)
    if not re.search(r"[\u4e00-\u9fff]", line) and (len(line) <= 40 or not line.strip("…—-_.·")):
        return True  # not a Chinese word: a site's code, a rule of dots or dashes, a stray tag
    if re.fullmatch(r"[\d\s.:：/\-]+", line):
        return True  # 03.02.2020 19:20
    return len(line) <= 40 and line.count("/") >= 2 and not _SENTENCE_PUNCTUATION.search(line)


def _short_name(line: str) -> bool:
    """A line that can be an issuing body or a signature: short, no sentence punctuation."""
    return (
        2 <= len(line) <= 30
        and not _SENTENCE_PUNCTUATION.search(line)
        and not heading_of(line)
        and "|" not in line  # a table row
        and not line.startswith(("特此", "此致"))
    )


@dataclass
class Line:
    number: int
    text: str
    role: str = "正文"
    parts: list = field(default_factory=list)  # the structured parts it also fed: 阶段, 接访安排 …


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
    current, texts = None, []  # a section's lines, joined once at the end (linear in the text)
    for line in lines:
        if line.role != "正文":
            continue
        found = heading_of(line.text)
        if found:
            level, rest = found
            heading, text = _split_heading(rest)
            current = {"level": level, "heading": heading.strip(), "text": text}
            result.sections.append(current)
            texts.append([text] if text else [])
            line.role = f"{'一二三四'[level - 1]}级标题"
            continue
        if current is None:
            if not result.preamble and not result.sections:
                result.preamble = line.text
                line.role = "前言"
                continue
            result.sections.append({"level": 0, "heading": "", "text": line.text})
            texts.append([line.text])
            continue
        texts[-1].append(line.text)
    for section, parts in zip(result.sections, texts, strict=True):
        # ①…。②…: one item a line
        section["text"] = re.sub(rf"(?<=[^\n])(?=[{CIRCLED}])", "\n", "\n".join(parts))
