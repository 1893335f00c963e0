"""Reading what was uploaded: a ``.docx`` (paragraphs, tables, numbered heading styles) or a
``.txt`` (UTF-8 or GB18030), refused with a Chinese message when it is neither."""

import io
import re
import zipfile

from .common import (
    DOCX_MAX_PARTS,
    DOCX_MAX_RATIO,
    DOCX_MAX_TOTAL_BYTES,
    DOCX_MAX_XML_BYTES,
    MAX_BYTES,
    MAX_CHARS,
    TABLE_END,
    TABLE_START,
    ImportProblem,
)
from .layout import heading_of


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


_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\ufffd]")  # control characters but \t\n\v\f\r


def check_text(text: str) -> None:
    """Refuse text that is empty or that is really binary data."""
    if not text or not text.strip():
        raise ImportProblem("没有可导入的文字。")
    if len(text) > MAX_CHARS:
        raise ImportProblem(
            f"文字过长（{len(text) / 10000:.0f} 万字），一次最多导入 {MAX_CHARS // 10000} 万字。"
            "实施方案一般只有几千到几万字：请只导入方案本身，或分几次导入。"
        )
    controls = sum(1 for _ in _CONTROL.finditer(text))
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
    check_docx_size(data)
    try:
        # python-docx loads lxml and its whole object model: only when a .docx is read
        import docx
        from docx.oxml.ns import qn  # python-docx too

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


def check_docx_size(data: bytes) -> None:
    """Refuse a .docx whose parts would unpack beyond what an import may take, from the sizes
    the zip declares, before anything is unpacked (zipfile never unpacks past a declared size)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise ImportProblem(
            f"无法打开这个 Word 文档（{type(error).__name__}），文件可能已损坏。"
        ) from None
    if len(parts) > DOCX_MAX_PARTS:
        raise ImportProblem(
            f"这个 Word 文档由 {len(parts)} 个部分组成（上限 {DOCX_MAX_PARTS}），"
            "不像正常的 .docx 文件，未导入。"
        )
    total = sum(part.file_size for part in parts)
    packed = sum(part.compress_size for part in parts) or 1
    xml = sum(part.file_size for part in parts if part.filename.endswith((".xml", ".rels")))
    megabytes = 1024 * 1024
    if (
        xml > DOCX_MAX_XML_BYTES
        or total > DOCX_MAX_TOTAL_BYTES
        or (total > megabytes and total / packed > DOCX_MAX_RATIO)
    ):
        raise ImportProblem(
            f"这个 Word 文档解压后过大（{len(data) / megabytes:.1f} MB 的文件解压后为 "
            f"{total / megabytes:.0f} MB，其中文字部分 {xml / megabytes:.0f} MB；上限为文字部分 "
            f"{DOCX_MAX_XML_BYTES // megabytes} MB、全部 {DOCX_MAX_TOTAL_BYTES // megabytes} MB），"
            "可能已损坏或是特意构造的文件，未导入。请在 Word 或 WPS 中另存为新的 .docx，"
            "或直接粘贴文字。"
        )


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
