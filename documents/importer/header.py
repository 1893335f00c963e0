"""The header (发文字号, 发文机关标志, 标题, 主送机关) and the tail (附件, 署名, 成文日期,
附注, 版记) of a document."""

import datetime
import re

from .common import KIND_WORDS
from .layout import (
    _ATTACHMENT,
    _DATE,
    _DOC_NUMBER,
    _IMPRINT_LABEL,
    _NO_BODY,
    _NOTE,
    _NUMBERED_ATTACHMENT,
    _PRINTED,
    _short_name,
    date_of,
    heading_of,
    page_furniture,
)


def _kind_of(title):
    for word, kind in KIND_WORDS:
        if word in title:
            return kind
    return None


def _title_line(text):
    """The title in a line, without a page's 来源/发布时间 run on after it (a page's own title
    line, 某某委员会文件《关于……的通知》, gives the title in its 《》); None if the line cannot
    be a title (a sentence, a line ending in ：, no 方案/通知/制度… and no 关于)."""
    text = re.sub(r"(?:来源|发布时间|时间|字体)[：:].*$", "", text).strip()
    quoted = re.fullmatch(r"[^《》]{0,40}《([^《》]{4,60})》", text)
    if quoted and (_kind_of(quoted.group(1)) or quoted.group(1).startswith("关于")):
        text = quoted.group(1)
    if (
        (_kind_of(text) or text.startswith("关于"))
        and len(text) <= 60
        and not re.search("[。，]", text)
        and not text.endswith(("：", ":"))
    ):
        return text
    return None


def _read_title(result, lines, i, limit):
    """The title starting at line ``i``, broken over lines when it does not end there
    (关于开展“……”活动 / 实施方案; ……制度的 / 通 知); returns the line after it."""
    parts, j = [_title_line(lines[i].text)], i
    while (
        (not _kind_of(parts[-1]) or parts[-1].endswith("的"))
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
    return j + 1


# the 发文机关标志 in its classic form: the issuing body and 文件
_ISSUER_MARK = re.compile(r"[\u4e00-\u9fff（）()]{4,40}文件")


# an issuing body's name, as a 署名 stands: 中共某某乡委员会, 某某县人民政府办公室 …
_SIGNING_BODY = re.compile(
    r"[\u4e00-\u9fff（）()]{2,28}(?:委员会|人民政府|政府|办公室|党委|党工委|办事处|人民法院|"
    r"人民检察院|公安局|信访局|领导小组)"
)


def _title_again(result, text):
    """The title printed again (the page's title line gave it first), or its first lines."""
    return bool(result.title) and (
        text == result.title or (len(text) >= 8 and result.title.startswith(text))
    )


def _recipients(result, text, marks):
    """各工作片、局（办）中心，各行政村、企事业单位： — after the title, or first of all."""
    return (
        not result.main_recipients
        and (result.title or (not marks and (text.startswith("各") or "、" in text)))
        and text.endswith(("：", ":"))
        and len(text) <= 80
        and not re.search("[。]|如下", text)
        and not heading_of(text)
    )


def _header(result, lines) -> int:
    """Reads 发文字号, 发文机关标志, 标题, 成文日期 under the title, 主送机关; returns where the
    body starts. A web page's own lines (朗读, 发布时间…) are passed over wherever they stand."""
    i, limit = 0, min(len(lines), 10)
    marks = []
    while i < limit:
        line = lines[i]
        text = line.text
        if line.role == "表格":
            break
        if page_furniture(text) or _title_again(result, text):
            line.role = "网页信息" if page_furniture(text) else "标题"
            i, limit = i + 1, min(len(lines), limit + 1)
            continue
        if not marks and _ISSUER_MARK.fullmatch(text):  # 中共某某乡委员会文件: wherever it stands
            marks.append(line)
            i += 1
            continue
        if not result.doc_number and _DOC_NUMBER.match(text):
            result.doc_number, line.role = text, "发文字号"
            i += 1
            continue
        if not result.title and _title_line(text):
            i = _read_title(result, lines, i, limit)
            continue
        if not result.title and _short_name(text) and i + 1 < len(lines):
            marks.append(line)
            i += 1
            continue
        if result.title and (written := date_of(text)):
            result.date_written, line.role = written, "成文日期"
            i += 1
            continue
        if _recipients(result, text, marks):
            result.main_recipients, line.role = text.rstrip("：:"), "主送机关"
            i += 1
            continue
        break
    if not result.title:
        # no 方案/意见/通知 in the first lines: a short first line is the title (a news report)
        first = next((x for x in lines if not page_furniture(x.text)), lines[0])
        candidates = marks or ([first] if _short_name(first.text) else [])
        if candidates:
            title = candidates.pop()
            result.title, title.role = title.text, "标题"
            result.kind = "实施方案"
            marks = candidates
    for mark in marks:
        mark.role = "发文机关标志"
    result.issuer_marks = [m.text for m in marks]
    return (
        max((n for n, line in enumerate(lines) if line.role != "正文" and n < limit), default=-1)
        + 1
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
        if page_furniture(text):
            lines[i].role = "网页信息"
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
        elif not result.signatories and not result.date_written and _SIGNING_BODY.fullmatch(text):
            # the issuing body alone at the end, the date left off (a web copy): its 署名
            result.signatories, lines[i].role = [text], "署名"
        else:
            break
        i -= 1
    end = i + 1
    # 附件 lines just above (附件：1．… 2．…, or 附：…); the numbered lines after 附件： are read
    # before it, going up, and kept only when it comes
    j, blocks, pending = end - 1, [], []  # both read going up, put in order once at the end
    while j >= start:
        text = lines[j].text
        match = _ATTACHMENT.match(text)
        numbered = _NUMBERED_ATTACHMENT.match(text)
        if match:
            pending.reverse()
            for line in [lines[j], *pending]:
                line.role = "附件说明"
            first = [_strip_number(match.group("rest"))] if match.group("rest") else []
            blocks.append(first + [_strip_number(x.text) for x in pending])
            pending = []
            j -= 1
            end = j + 1
            continue
        if numbered and len(text) <= 60 and "。" not in text[:-1]:
            pending.append(lines[j])
            j -= 1
            continue
        break
    for title in [title for block in reversed(blocks) for title in block]:
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
