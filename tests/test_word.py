"""Plans as editable Word documents: page, grid, styles and fonts read back with python-docx;
the layout measured after LibreOffice turns them into PDF, with the checks of the PDF circulars
(±1.5 mm: a word processor, not the product, lays the document out)."""

import datetime
import io
import os
import pathlib
import shutil
import subprocess
import tempfile
import zipfile

import docx
import pytest
from docx.oxml.ns import qn

import documents
import seeds
from documents import printable
from exports import word

from .pdfgeometry import PT, find_line, lines, open_pdf, rules

PITCH = 225 / 22
TOP, LEFT, RIGHT, BOTTOM = 37, 28, 184, 262
SIZE_3 = 16 * 25.4 / 72
SIZE_2 = 22 * 25.4 / 72
SIZE_4 = 14 * 25.4 / 72
TOLERANCE = 1.5
FONTCONFIG = pathlib.Path(__file__).parent / "fontconfig" / "fonts.conf"
BATTALION, SUBDISTRICT = "山西省隰县民兵农建营", "嘉善县魏塘街道"


def near(value, expected, tolerance=TOLERANCE):
    return abs(value - expected) <= tolerance


@pytest.fixture(scope="module")
def sample_plans():
    import mongoengine

    from documents import store

    store.connect(mock=True)
    seeds.load()
    plans = {plan.unit.name: printable.plan(plan) for plan in documents.Plan.objects}
    mongoengine.disconnect_all()
    return plans


@pytest.fixture(scope="module")
def files(sample_plans):
    return {name: word.render_circular_docx(sample_plans[name]) for name in sample_plans}


def _document(data: bytes):
    return docx.Document(io.BytesIO(data))


# --- the file itself, read with python-docx ---


def test_page_setup_is_a4_with_the_standards_margins(files):
    for data in files.values():
        for section in _document(data).sections:
            assert near(section.page_width.mm, 210, 0.1) and near(section.page_height.mm, 297, 0.1)
            assert near(section.top_margin.mm, 37, 0.1) and near(section.left_margin.mm, 28, 0.1)
            assert near(section.right_margin.mm, 26, 0.1)
            assert near(section.bottom_margin.mm, 35, 0.1)


def test_the_grid_is_22_lines_of_28_characters(files):
    document = _document(files[BATTALION])
    grid = document.sections[0]._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "linesAndChars"
    pitch = int(grid.get(qn("w:linePitch"))) / 20 * PT  # twips to mm
    assert int(225 // pitch) == 22 and pitch > 225 / 23
    normal = document.styles["Normal"]
    size = normal.font.size.pt
    char = (size + int(grid.get(qn("w:charSpace"))) / 4096) * PT  # Word's character pitch
    assert size == 16 and int(156 // char) == 28


ROLE_FONTS = {
    "Normal": "仿宋_GB2312",  # 正文 (Word's built-in Normal style, 正文 in Chinese Word)
    "Title": "方正小标宋简体",  # 标题
    "发文机关标志": "方正小标宋简体",
    "一级标题": "黑体",
    "二级标题": "楷体_GB2312",
    "三级标题": "仿宋_GB2312",
    "附件标题": "方正小标宋简体",
    "署名": "仿宋_GB2312",
    "成文日期": "仿宋_GB2312",
    "版记": "仿宋_GB2312",
    "页码": "宋体",
}


def test_styles_by_role_carry_the_licensed_fonts_in_the_east_asian_slot(files):
    document = _document(files[BATTALION])
    for name, font in ROLE_FONTS.items():
        style = document.styles[name]
        fonts = style.element.rPr.find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsia")) == font, name
        assert fonts.get(qn("w:ascii")) == font, name
    assert document.styles["发文机关标志"].font.color.rgb == docx.shared.RGBColor(0xE6, 0, 0x12)
    assert document.styles["Title"].font.size.pt == 22
    assert document.styles["版记"].font.size.pt == 14
    # the other name of each licensed font, for an office that installed it under that name
    with zipfile.ZipFile(io.BytesIO(files[BATTALION])) as package:
        table = package.read("word/fontTable.xml").decode()
    assert 'w:name="仿宋_GB2312"><w:altName w:val="FangSong_GB2312"/>' in table


def test_a_deployments_own_fonts_come_first(sample_plans):
    data = word.render_circular_docx(sample_plans[BATTALION], {"仿宋": ["方正仿宋_GBK"]})
    fonts = _document(data).styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "方正仿宋_GBK"


def _paragraphs(document):
    return [p for p in document.element.body.iter(qn("w:p"))]


def _text(p):
    return "".join(t.text or "" for t in p.iter(qn("w:t")))


def test_head_red_line_and_body_are_editable_paragraphs(files, sample_plans):
    document = _document(files[BATTALION])
    body = document.element.body
    # no text boxes, no pictures: everything is text in paragraphs and tables
    for tag in ("w:txbxContent", "w:drawing", "w:pict", "w:object"):
        assert next(body.iter(qn(tag)), None) is None, tag
    texts = [_text(p) for p in _paragraphs(document)]
    assert "山西省隰县民兵农建营" in texts and "隰民农营发〔2012〕2号" in texts
    red = [
        p
        for p in _paragraphs(document)
        if (b := p.find(f"{qn('w:pPr')}/{qn('w:pBdr')}/{qn('w:bottom')}")) is not None
        and b.get(qn("w:color")) == "E60012"
    ]
    assert len(red) == 1  # the red line: a paragraph border
    printed = "".join(texts)
    for section in sample_plans[BATTALION]["sections"]:
        for line in (section["text"] or "").splitlines():
            assert line.strip() in printed, line[:20]
    assert "二〇一二年三月九日" in texts and "（次页无正文）" in texts


def test_page_numbers_in_odd_and_even_footers(files):
    document = _document(files[BATTALION])
    assert document.settings.odd_and_even_pages_header_footer
    section = document.sections[0]
    for footer, align in ((section.footer, "right"), (section.even_page_footer, "left")):
        p = footer.paragraphs[0]
        xml = p._p.xml
        assert "PAGE" in "".join(t.text for t in p._p.iter(qn("w:instrText")))
        assert p.text == "— 1 —"
        assert f'w:jc w:val="{align}"' in xml


def test_attachments_start_new_pages_with_word_tables(files):
    document = _document(files[BATTALION])
    labels = [p for p in _paragraphs(document) if _text(p) == "附件"]
    assert labels and all(
        p.find(f"{qn('w:pPr')}/{qn('w:pageBreakBefore')}") is not None for p in labels
    )
    schedule = document.tables[0]
    assert [c.text for c in schedule.rows[0].cells][:3] == ["日期", "星期", "接访领导"]
    assert len(schedule.rows) > 20 and any("机关会议室" in c.text for c in schedule.rows[1].cells)
    assert schedule.rows[0]._tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None


def test_1999_imprint_has_subject_terms_and_report_lists(files):
    document = _document(files[BATTALION])
    imprint = document.tables[-1]
    texts = [r.cells[0].text for r in imprint.rows]
    assert "主题词：信访工作　大接访　实施方案" in texts
    assert "报：县委办，县政府办，县信访办。" in texts and "发：营各股（室）。" in texts
    assert texts[-1] == "隰县民兵农建营办公室\t2012年3月9日印发"  # the date at the right tab


IMPRINT_2012 = {
    "title": "关于做好信访工作的通知",
    "issuer_marks": ["某某县人民政府办公室文件"],
    "doc_number": "某政办发（2024）第08号",
    "signer": "张三",
    "main_recipients": "各乡镇人民政府",
    "sections": [
        {"level": 1, "heading": "总体要求", "text": "正文。"},
        {"level": 2, "heading": "明确责任。", "text": "责任到人。"},
    ],
    "attachments": [{"title": "名单", "headers": ["姓名", "单位"], "rows": [["甲", "乙"]]}],
    "date_written": datetime.date(2024, 3, 9),
    "signatories": ["某某县人民政府办公室"],
    "copy_to": ["县委办公室", "县信访局"],
    "printed_by": "某某县人民政府办公室",
    "printed_date": datetime.date(2024, 3, 10),
}


def test_2012_document_has_copy_to_signer_and_arabic_dates():
    document = _document(word.render_circular_docx(IMPRINT_2012))
    texts = [_text(p) for p in _paragraphs(document)]
    assert "某政办发〔2024〕8号签发人：张三" in texts
    assert "2024年3月9日" in texts and "各乡镇人民政府：" in texts
    assert "抄送：县委办公室，县信访局。" in texts
    assert "某某县人民政府办公室2024年3月10日印发" in texts
    assert "（一）明确责任。责任到人。" in texts  # a run-in heading
    floating = document.tables[-1]._tbl.find(f"{qn('w:tblPr')}/{qn('w:tblpPr')}")
    assert floating.get(qn("w:tblpYSpec")) == "bottom"  # the 版记 at the foot of the page


def test_even_imprint_page_gives_the_imprint_a_section_started_on_an_even_page():
    doc = {**IMPRINT_2012, "attachments": [], "even_imprint_page": True}
    document = _document(word.render_circular_docx(doc))
    first, last = document.sections
    assert last._sectPr.find(qn("w:type")).get(qn("w:val")) == "evenPage"
    assert not any(p.text for p in last.footer.paragraphs)  # the 版记's page: no number
    assert first.footer.paragraphs[0].text == "— 1 —"
    imprint = document.tables[-1]
    assert imprint._tbl.find(f"{qn('w:tblPr')}/{qn('w:tblpPr')}") is None  # not floating
    rows = imprint.rows
    height = sum(
        int(r._tr.find(f"{qn('w:trPr')}/{qn('w:trHeight')}").get(qn("w:val"))) for r in rows
    )
    assert 224 < height / 20 * PT < 225  # the rows fill the text area: the last rule at its foot
    plain = _document(word.render_circular_docx({**doc, "even_imprint_page": False}))
    assert len(plain.sections) == 1


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ({"title": "", "sections": [{"level": 0, "text": "正文。"}]}, "没有标题"),
        ({"title": "通知", "sections": []}, "没有正文"),
        ({"title": "通知", "sections": [{"level": 1, "heading": " ", "text": "\n"}]}, "没有正文"),
    ],
)
def test_bad_or_empty_plans_are_refused_in_chinese(doc, message):
    with pytest.raises(word.EmptyDocument, match=message):
        word.render_circular_docx(doc)


# --- the layout, after LibreOffice turns the files into PDF ---


@pytest.fixture(scope="module")
def converted(files):
    """The Word files as LibreOffice prints them, the licensed font names served by the free
    fonts (tests/fontconfig/fonts.conf)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        pytest.skip("LibreOffice (soffice) is not installed: bash scripts/test installs it")
    with tempfile.TemporaryDirectory() as folder:
        work = pathlib.Path(folder)
        names = {BATTALION: "battalion", SUBDISTRICT: "subdistrict", "2012": "notice"}
        data = {**files, "2012": word.render_circular_docx(IMPRINT_2012)}
        for name, stem in names.items():
            (work / f"{stem}.docx").write_bytes(data[name])
        env = {
            **os.environ,
            "FONTCONFIG_FILE": str(FONTCONFIG),
            "HOME": str(work),  # a profile of its own, not the user's
        }
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{work}/profile",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(work),
                *(str(work / f"{stem}.docx") for stem in names.values()),
            ],
            check=True,
            capture_output=True,
            env=env,
            timeout=300,
        )
        return {name: open_pdf((work / f"{stem}.pdf").read_bytes()) for name, stem in names.items()}


def strokes(page):
    """The rules of a page drawn as lines or thin rectangles: (top, bottom, left, right, colour,
    width) in mm, top to bottom (LibreOffice draws paragraph and cell borders as lines)."""
    height = float(page.height)
    found = [(t, b, left, right, c, b - t) for t, b, left, right, c in rules(page)]
    for line in page.lines:
        if abs(float(line["y0"]) - float(line["y1"])) > 0.1:
            continue  # vertical: a table's column rule
        width = float(line.get("linewidth") or 0) * PT
        middle = (height - float(line["y0"])) * PT
        found.append(
            (
                middle - width / 2,
                middle + width / 2,
                float(line["x0"]) * PT,
                float(line["x1"]) * PT,
                tuple(line.get("stroking_color") or ()),
                width,
            )
        )
    return sorted(found)


def _red(colour):
    return bool(colour[:1]) and colour[0] > 0.8 and colour[1] < 0.2


def test_lo_1999_head_of_the_battalion(converted):
    page = converted[BATTALION].pages[0]
    mark = find_line(page, "山西省隰县民兵农建营")
    assert near(mark.top, TOP + 25)
    assert all(_red(g.color) for g in mark.glyphs)
    assert near((mark.left + mark.right) / 2, (LEFT + RIGHT) / 2)
    number = find_line(page, "隰民农营发〔2012〕2号")
    assert near(number.top - mark.bottom, 2 * PITCH)
    assert near((number.left + number.right) / 2, (LEFT + RIGHT) / 2)
    red = [s for s in strokes(page) if _red(s[4])]
    assert red, "a red line"
    top, bottom, left, right = red[0][:4]
    assert all(abs(r[0] - top) < 0.1 for r in red)  # one line (drawn once or twice)
    assert near(top - number.bottom, 4) and near(left, LEFT) and near(right, RIGHT)
    title = find_line(page, "关于开展“领导干部大接访”活动实施方案")
    assert near(title.glyphs[0].size, SIZE_2, 0.1)
    assert near(title.top, bottom + 2 * PITCH + (PITCH - SIZE_2) / 2)
    first = find_line(page, "按照中共隰县县委办公室")
    assert near(first.top, title.bottom + (PITCH - SIZE_2) / 2 + (PITCH - SIZE_3) / 2)
    assert near(first.left, LEFT + 2 * SIZE_3)


def test_lo_2012_joint_head_of_the_subdistrict(converted):
    page = converted[SUBDISTRICT].pages[0]
    first = find_line(page, "中共嘉善县魏塘街道委员会")
    second = find_line(page, "嘉善县人民政府魏塘街道办事处")
    assert near(first.top, TOP + 35)
    assert second.top > first.bottom - 0.5 and second.right - second.left <= RIGHT - LEFT + 0.5


def test_lo_body_holds_the_grid_of_22_lines_of_28_characters(converted):
    pdf = converted[BATTALION]
    page = next(p for p in pdf.pages[1:] if len([x for x in lines(p) if x.top < BOTTOM]) >= 22)
    body = [line for line in lines(page) if line.top < BOTTOM]
    assert len(body) == 22
    assert near(body[0].top, TOP + (PITCH - SIZE_3) / 2)
    assert near(body[-1].top, TOP + 21 * PITCH + (PITCH - SIZE_3) / 2)
    for above, below in zip(body, body[1:], strict=False):
        assert near(below.top - above.top, PITCH, 0.05)
    full = [line for line in body if len(line.text) == 28]
    assert len(full) >= 10, "most lines are full"
    for line in full:
        assert near(line.left, LEFT) and near(line.right, RIGHT)
    for line in body:  # never more than 28 characters (a hanging comma at most)
        assert len(line.text) <= 28 or line.text[28:] in "，。、；：！？”）"


def test_lo_page_numbers_odd_right_even_left_7mm_below(converted):
    pdf = converted[BATTALION]
    for number in range(1, len(pdf.pages)):  # the last page, the 版记's own, has none
        page = pdf.pages[number - 1]
        line = find_line(page, f"—{number}—")
        assert line.glyphs[0].text == "—"
        assert near((line.glyphs[0].top + line.glyphs[0].bottom) / 2, BOTTOM + 7)
        if number % 2:
            assert near(line.right, RIGHT - SIZE_4)
        else:
            assert near(line.left, LEFT + SIZE_4)
    assert not any("—" in x.text for x in lines(pdf.pages[-1]))


def test_lo_attachment_starts_a_new_page(converted):
    pdf = converted[BATTALION]
    page = next(p for p in pdf.pages if lines(p) and lines(p)[0].text == "附件")
    label, title = lines(page)[0], find_line(page, "农建营大接访日程安排表")
    assert near(label.top, TOP + (PITCH - SIZE_3) / 2) and near(label.left, LEFT)
    assert near(title.top, TOP + 2 * PITCH + (PITCH - SIZE_2) / 2)
    assert find_line(page, "接访领导") and find_line(page, "机关会议室")


def test_lo_1999_imprint_alone_on_the_last_page_its_last_rule_on_the_bottom(converted):
    page = converted[BATTALION].pages[-1]
    texts = [line.text for line in lines(page)]
    assert texts == [
        "主题词：信访工作　大接访　实施方案",
        "报：县委办，县政府办，县信访办。",
        "发：营各股（室）。",
        "隰县民兵农建营办公室2012年3月9日印发",
    ]
    black = [s for s in strokes(page) if not _red(s[4]) and s[3] - s[2] > 100]
    assert len(black) == 3
    assert near(black[-1][1], BOTTOM)  # the last rule on the bottom edge of the text area
    assert near(black[-1][5], 0.35, 0.05) and near(black[1][5], 0.25, 0.05)
    printed = find_line(page, "隰县民兵农建营办公室")
    assert printed.bottom < black[-1][0] < printed.bottom + 3
    assert near(printed.left, LEFT + SIZE_4) and near(printed.right, RIGHT - SIZE_4)
    assert near(find_line(page, "主题词").left, LEFT)


def test_lo_2012_imprint_on_the_last_page_with_the_signature(converted):
    pdf = converted["2012"]
    page = pdf.pages[-1]
    texts = [line.text for line in lines(page)]
    assert "抄送：县委办公室，县信访局。" in texts
    assert "某某县人民政府办公室2024年3月10日印发" in texts
    assert "某政办发〔2024〕8号签发人：张三" in [
        x.text.replace(" ", "") for x in lines(pdf.pages[0])
    ]
    date = find_line(pdf.pages[0], "2024年3月9日")
    signature = next(x for x in lines(pdf.pages[0]) if x.text == "某某县人民政府办公室")
    assert near(date.top - signature.top, PITCH)
    assert near(date.right, RIGHT - 4 * SIZE_3)
    # the 署名 centred over the date as Word sets it: LibreOffice 7.4 ignores the document's
    # w:autoSpaceDN="0" and puts a little space between 年, 月, 日 and the digits, so the centre
    # is taken from the date's own glyphs
    width = sum(g.right - g.left for g in date.glyphs)
    assert near((signature.left + signature.right) / 2, date.right - width / 2)


def test_lo_prints_every_paragraph_of_the_plan(converted, sample_plans):
    printed = "".join(
        line.text
        for page in converted[BATTALION].pages
        for line in lines(page)
        if line.top < BOTTOM
    )
    for section in sample_plans[BATTALION]["sections"]:
        for paragraph in (section["text"] or "").splitlines():
            assert paragraph.strip() in printed, paragraph[:20]
