"""Typesetting measured on the PDFs: the ten sample circulars (five plans × 2012 / 1999) and a
long generated plan (about 40 pages: every heading level, run-in headings, tables, joint issuers).

What must hold on every one: full lines end on the right edge, nothing stranded at a page break,
the 版记 at the foot of the last page (sharing it with the text when it fits), 印发机关 and
印发日期 always there, page numbers not bold, no fallback glyph where the role's font has one.
"""

import datetime
import itertools
import pathlib
import re

import pytest

import documents
import exports
import seeds
from documents import printable
from exports import fonts, justify
from exports.numbers import HeadingNumbers

from .pdfgeometry import (
    BODY_SIZE,
    TEXT_RIGHT,
    body_lines,
    last_lines,
    lines,
    open_pdf,
    rules,
    short_lines,
    stranded_lines,
)

BOTTOM = 262.0  # the bottom edge of the text area, mm from the top
SIZE_4 = 14 * 25.4 / 72
SOURCES = pathlib.Path(seeds.__file__).parent / "data" / "sources.txt"
STYLES = ("2012", "1999")


@pytest.fixture(scope="module")
def sample_docs():
    from documents import store

    store.connect(mock=True)  # a fresh in-memory store for this module
    seeds.load()
    docs = {plan.unit.name: printable.plan(plan) for plan in documents.Plan.objects}
    import mongoengine

    mongoengine.disconnect_all()
    return docs


def _sentences():
    text = SOURCES.read_text(encoding="utf-8")
    found = [s for s in re.findall(r"[^。！？\n]{6,}[。！？]", text) if "：" not in s[:3]]
    assert len(found) > 100
    return found


def long_plan(style):
    """A plan of about 40 pages built from the source texts: headings of the four levels, run-in
    headings, paragraphs of one to eight sentences, three attachments with tables (one with long
    cells), two issuing bodies, one of them with a long name."""
    sentences = itertools.cycle(_sentences())
    sections = []
    for n in range(31):
        level = [1, 2, 3, 4, 3, 2, 0, 4][n % 8]
        count = 1 + (n * 5) % 8
        text = "\n".join(
            "".join(next(sentences) for _ in range(1 + (n + k) % 4)) for k in range(count)
        )
        heading = next(sentences)[: 8 + n % 9].rstrip("，、；")
        if n % 5 == 3 and level:
            heading += "。"  # a run-in heading: the heading ends a sentence
        sections.append({"level": level, "heading": heading if level else "", "text": text})
    leaders = ["党委书记", "主任", "副主任（分管信访）", "纪工委书记"]
    rows = [
        [
            f"2024年{3 + d // 8}月{1 + d % 28}日",
            "星期" + "一二三四五"[d % 5],
            leaders[d % 4],
            "信访接待室",
        ]
        for d in range(40)
    ]
    long_rows = [
        [
            "、".join(leaders[: 1 + k % 4]),
            next(sentences)[: 12 + 5 * k],
            "街道信访接待中心",
            "信访事项涉及的各科室负责人及工作人员",
        ]
        for k in range(6)
    ]
    return {
        "style": style,
        "issuer_marks": ["中共某某县某某街道工作委员会", "某某县人民政府某某街道办事处"],
        "doc_number": "某街发〔2024〕7号",
        "title": "关于开展领导干部大接访活动的实施方案",
        "main_recipients": "各社区党委、居委会，街道各科室、各站所",
        "preamble": next(sentences) + next(sentences),
        "sections": sections,
        "attachments": [
            {
                "title": "领导干部接访日程安排表",
                "headers": ["日期", "星期", "接访领导", "接访地点"],
                "rows": rows,
                "text": "注：遇节假日顺延。",
            },
            {
                "title": "接访安排",
                "headers": ["接访领导", "接访时间", "接访地点", "参与接访人员"],
                "rows": long_rows,
            },
            {"title": "信访事项登记要求", "text": "\n".join(next(sentences) for _ in range(6))},
        ],
        "signatories": ["中共某某县某某街道工作委员会", "某某县人民政府某某街道办事处"],
        "date_written": datetime.date(2024, 3, 9),
        "subject_terms": ["信访", "大接访", "方案"],
        "report_to": ["县委办公室", "县政府办公室"],
        "copy_to": ["县信访局"],
        "distribute_to": ["各社区", "街道各科室"],
    }


@pytest.fixture(scope="module")
def circulars(sample_docs):
    """Every circular as (doc, parsed PDF), by name."""
    made = {}
    for unit, doc in sample_docs.items():
        for style in STYLES:
            printed = {**doc, "style": style}
            made[f"{unit} {style}"] = (printed, open_pdf(exports.render_circular(printed)))
    for style in STYLES:
        doc = long_plan(style)
        made[f"长方案 {style}"] = (doc, open_pdf(exports.render_circular(doc)))
    return made


NAMES = [f"{u['unit']['name']} {style}" for u in seeds.sample.SOURCE_UNITS for style in STYLES] + [
    f"长方案 {style}" for style in STYLES
]


def test_the_long_plan_is_long_and_has_every_part(circulars):
    doc, pdf = circulars["长方案 2012"]
    assert 36 <= len(pdf.pages) <= 48
    assert {s["level"] for s in doc["sections"]} == {0, 1, 2, 3, 4}
    text = "".join(line.text for page in pdf.pages for line in lines(page))
    for expected in ("附件1", "附件3", "接访日程安排表", "某某县人民政府某某街道办事处"):
        assert expected in text


@pytest.mark.parametrize("name", NAMES)
def test_every_full_line_ends_on_the_right_edge(circulars, name):
    _, pdf = circulars[name]
    assert short_lines(pdf, tolerance=0.5) == []
    # 禁则: no line starts with a closing mark or ends with an opening one
    for page in body_lines(pdf):
        for line in page:
            text = line.text.replace(" ", "")
            assert text[0] not in justify.NO_START and text[-1] not in justify.NO_END, text
    # and the measure does see lines: most of the body lines are full ones
    assert sum(len(page) for page in body_lines(pdf)) > 10


@pytest.mark.parametrize("name", NAMES)
def test_nothing_is_stranded_at_a_page_break(circulars, name):
    doc, pdf = circulars[name]
    assert stranded_lines(pdf) == []
    numbers = HeadingNumbers()
    headings = []
    for section in doc["sections"]:
        heading = (section.get("heading") or "").strip()
        level = section.get("level") or 0
        number = numbers.next(level) if heading and level else ""
        if heading and not heading.endswith(("。", "：")):
            headings.append(number + heading)
    for page, text in enumerate(last_lines(pdf)[:-1], start=1):
        assert not (text and any(text in h for h in headings)), (page, text)


def _imprint_lines(page):
    return [line for line in lines(page) if line.text.endswith("印发")]


@pytest.mark.parametrize("name", NAMES)
def test_the_imprint_is_at_the_foot_of_the_last_page_with_its_printer_and_date(circulars, name):
    doc, pdf = circulars[name]
    assert [n for n, page in enumerate(pdf.pages) if _imprint_lines(page)] == [len(pdf.pages) - 1]
    page = pdf.pages[-1]
    printed = _imprint_lines(page)[0]
    # 印发机关 on the left, 印发日期 in Arabic numerals on the right
    assert re.fullmatch(r".{4,}\d{4}年\d{1,2}月\d{1,2}日印发", printed.text.replace(" ", ""))
    black = [r for r in rules(page) if not (r[4][:1] and r[4][0] > 0.8) and r[3] - r[2] > 150]
    assert abs(black[-1][1] - BOTTOM) < 0.5  # the last rule on the bottom edge
    size = BODY_SIZE if doc["style"] == "1999" else SIZE_4  # 1999 in 3号, 2012 in 4号
    assert all(abs(g.size - size) < 0.05 for g in printed.glyphs)
    top = min(r[0] for r in black)
    if doc["style"] == "1999" and doc.get("subject_terms"):
        top = min(line.top for line in lines(page) if line.text.startswith("主题词"))
    above = [line for line in lines(page) if line.bottom < top - 0.1]
    if not above:  # a page of its own: only when it does not fit under the text before it
        before = pdf.pages[-2]
        content = [line.bottom for line in lines(before) if not re.fullmatch(r"— \d+ —", line.text)]
        free = BOTTOM - max(content)
        assert free < BOTTOM - top, (name, free)


@pytest.mark.parametrize("name", NAMES)
def test_page_numbers_are_not_bold_and_no_glyph_falls_back_needlessly(circulars, name):
    _, pdf = circulars[name]
    numbered = 0
    for page in pdf.pages:
        for line in lines(page):
            if re.fullmatch(r"— \d+ —", line.text):
                numbered += 1
                assert not any("Bold" in g.font for g in line.glyphs), line.glyphs[0].font
                assert all("Song" in g.font for g in line.glyphs if g.text.strip())
            _assert_no_needless_fallback(line)
    assert numbered >= len(pdf.pages) - 2


def _family(pdf_font: str) -> str:
    name = pdf_font.split("+", 1)[-1]
    name = re.sub(r"-(Bold|Regular|Medium)$", "", name)
    return {"Noto-Serif-CJK-SC": "Noto Serif CJK SC", "Noto-Sans-CJK-SC": "Noto Sans CJK SC"}.get(
        name, name
    )


def _assert_no_needless_fallback(line):
    """A glyph in a fallback font inside a line set in another font: that font lacks it."""
    fonts_used = [_family(g.font) for g in line.glyphs]
    main = max(set(fonts_used), key=fonts_used.count)
    cmap = justify._metrics(main)
    if cmap is None:
        return
    for glyph, family in zip(line.glyphs, fonts_used, strict=True):
        if family != main and family in fonts.FALLBACK:
            assert ord(glyph.text) not in cmap, (glyph.text, family, main, line.text)


@pytest.mark.parametrize("unit", ["山西省隰县民兵农建营", "嘉善县魏塘街道"])
def test_chinese_numeral_dates_write_zero_in_the_body_font(circulars, unit):
    _, pdf = circulars[f"{unit} 1999"]
    dates = [
        line
        for page in pdf.pages
        for line in lines(page)
        if re.fullmatch(r"[〇○一二三四五六七八九]{4}年.+月.+日", line.text)
    ]
    assert dates and all("〇" in line.text and "○" not in line.text for line in dates)
    for line in dates:
        assert len({g.font for g in line.glyphs}) == 1  # every character in the body's font


@pytest.mark.parametrize("name", ["嘉善县魏塘街道 2012", "嘉善县魏塘街道 1999", "长方案 2012"])
def test_joint_signatures_stay_inside_the_margins(circulars, name):
    doc, pdf = circulars[name]
    page = next(
        p
        for p in reversed(pdf.pages)
        if any(line.text == doc["signatories"][-1] for line in lines(p))
    )
    names = [line for line in lines(page) if line.text in doc["signatories"]]
    assert [n.text for n in names] == doc["signatories"]  # in the order of the issuers
    for line in names:
        assert line.right <= TEXT_RIGHT - 2 * BODY_SIZE + 0.5  # at least 右空二字
    centres = {round((n.left + n.right) / 2, 1) for n in names}
    assert max(centres) - min(centres) < 0.5  # one centred under the other


def test_every_circular_has_its_printer_and_date_and_says_what_was_defaulted():
    doc = {
        "title": "关于做好信访工作的通知",
        "issuer_marks": ["某某县人民政府办公室文件"],
        "sections": [{"level": 0, "text": "正文。"}],
        "date_written": datetime.date(2024, 3, 9),
        "signatories": ["某某县人民政府办公室"],
        "style": "1999",
    }
    data, notes = exports.render_circular_with_notes(doc)
    assert notes == [
        ("printed_by", "某某县人民政府办公室"),  # an office already: not 办公室办公室
        ("printed_date", "2024年3月9日"),
        ("subject_terms", ""),
    ]
    text = "".join(line.text for page in open_pdf(data).pages for line in lines(page))
    assert "某某县人民政府办公室2024年3月9日印发" in text and "办公室办公室" not in text
    given = {**doc, "office": "县政府办", "printed_by": "", "subject_terms": ["信访"]}
    assert exports.imprint_defaults(given)[1] == [
        ("printed_by", "县政府办"),
        ("printed_date", "2024年3月9日"),
    ]
    complete = {**given, "printed_by": "县政府办", "printed_date": datetime.date(2024, 3, 10)}
    assert exports.imprint_defaults(complete)[1] == []


def test_table_cells_never_leave_one_character_alone(sample_docs):
    for doc in [*sample_docs.values(), long_plan("2012")]:
        for attachment in doc["attachments"]:
            if not attachment.get("rows"):
                continue
            table = justify.sized_table(attachment["headers"], attachment["rows"], 156, SIZE_4)
            widths = [float(w) for w in table["widths"]]
            assert abs(sum(widths) - 100) < 0.01
            for row in table["rows"]:
                for cell in row:
                    parts = str(cell).split("<br>")
                    if len(parts) > 1:
                        assert all(len(p) >= 2 for p in parts), cell
    # a long column takes the room the short ones leave, the short ones keep one line
    table = justify.sized_table(
        ["领导", "时间", "地点"],
        [["书记", "每月第一个星期一上午九时至十二时在街道信访接待中心", "会议室"]],
        156,
        SIZE_4,
    )
    leader, when, place = (float(w) for w in table["widths"])
    assert when > leader and when > place
    assert "<br>" not in str(table["rows"][0][0]) and "<br>" not in str(table["rows"][0][2])
    # a column much narrower than its text: balanced lines, none of one character
    markup, widest = justify.balanced_lines("领导班子成员每人每月到基层下访", 40, size_mm=SIZE_4)
    parts = str(markup).split("<br>")
    assert len(parts) == 2 and min(len(p) for p in parts) >= 7 and widest <= 40


@pytest.mark.parametrize(
    "title, lines",
    [
        ("关于开展领导干部大接访活动的实施方案", ["关于开展领导干部大接访活动的实施方案"]),  # fits
        (
            "关于加强重点稳控对象信访信息报送工作的通知",
            ["关于加强重点稳控对象", "信访信息报送工作的通知"],
        ),
        (
            "关于开展矛盾纠纷“大排查大起底大化解”专项行动的实施方案",
            ["关于开展矛盾纠纷“大排查大起底大化解”", "专项行动的实施方案"],
        ),
        (
            "关于印发《某某县领导干部接访下访工作制度》的通知",
            ["关于印发《某某县领导干部", "接访下访工作制度》的通知"],
        ),
        (
            "某某县\n领导干部大接访实施方案",
            ["某某县", "领导干部大接访实施方案"],
        ),  # as the unit broke it
    ],
)
def test_a_long_title_breaks_between_words_in_even_lines(title, lines):
    """GB/T 9704: a title of several lines keeps its words whole (词意完整) and its lines even
    (排列对称); the layout engine alone broke 关于加强…工作的通 / 知."""
    from exports.circular import TEXT_WIDTH_MM, _title_lines, _title_width

    assert _title_lines(title) == lines
    assert all(_title_width(line) <= TEXT_WIDTH_MM for line in lines)
