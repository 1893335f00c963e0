"""Plans printed as GB/T 9704 circulars: positions within ±1 mm, text, fonts, glyphs, safety."""

import datetime

import pypdf
import pytest

import documents
import exports
import seeds
from documents import printable
from exports import circular, fonts
from exports.numbers import HeadingNumbers, chinese_number, date_1999, date_2012

from .pdfgeometry import find_line, lines, open_pdf, rules

PITCH = 225 / 22  # the grid: 22 lines in the text area
TOP, LEFT, RIGHT, BOTTOM = 37, 28, 184, 262  # the text area, mm from the page's top-left
SIZE_3 = 16 * 25.4 / 72  # 3号
SIZE_2 = 22 * 25.4 / 72  # 2号


def near(value, expected, tolerance=1.0):
    return abs(value - expected) <= tolerance


@pytest.fixture(scope="module")
def sample_plans():
    from documents import store

    store.connect(mock=True)  # a fresh in-memory store for this module
    seeds.load()
    plans = {plan.unit.name: printable.plan(plan) for plan in documents.Plan.objects}
    import mongoengine

    mongoengine.disconnect_all()
    return plans


@pytest.fixture(scope="module")
def battalion(sample_plans):
    return open_pdf(exports.render_circular(sample_plans["山西省隰县民兵农建营"]))


@pytest.fixture(scope="module")
def subdistrict(sample_plans):
    return open_pdf(exports.render_circular(sample_plans["嘉善县魏塘街道"]))


# --- the 版头: 标志, 发文字号, red line, title ---


def test_1999_head_of_the_battalion_circular(battalion):
    page = battalion.pages[0]
    mark = find_line(page, "山西省隰县民兵农建营")
    assert near(mark.top, TOP + 25)  # 1999: the 标志 25 mm below the text area's top
    assert all(g.color[:1] and g.color[0] > 0.8 and g.color[1] < 0.2 for g in mark.glyphs)
    assert near((mark.left + mark.right) / 2, (LEFT + RIGHT) / 2)
    number = find_line(page, "隰民农营发〔2012〕2号")
    assert near(number.top - mark.bottom, 2 * PITCH)  # 空二行
    assert near((number.left + number.right) / 2, (LEFT + RIGHT) / 2)
    red = [r for r in rules(page) if r[4][:1] and r[4][0] > 0.8]
    assert len(red) == 1
    red_top, red_bottom, red_left, red_right, _ = red[0]
    assert near(red_top - number.bottom, 4)  # 4 mm below the 发文字号
    assert near(red_left, LEFT) and near(red_right, RIGHT)  # as wide as the text area
    title = find_line(page, "关于开展“领导干部大接访”活动实施方案")
    assert near(title.glyphs[0].size, SIZE_2, 0.1)
    assert near(title.top, red_bottom + 2 * PITCH + (PITCH - SIZE_2) / 2)  # 空二行
    first = find_line(page, "按照中共隰县县委办公室")
    # no 主送机关: one blank line of the grid between the title and the body
    assert near(first.top, title.bottom + (PITCH - SIZE_2) / 2 + PITCH + (PITCH - SIZE_3) / 2)
    assert near(first.left, LEFT + 2 * SIZE_3)  # indented two characters


def test_2012_head_of_the_joint_subdistrict_circular(subdistrict):
    page = subdistrict.pages[0]
    first = find_line(page, "中共嘉善县魏塘街道委员会")
    second = find_line(page, "嘉善县人民政府魏塘街道办事处")
    assert near(first.top, TOP + 35)  # 2012: 35 mm below the text area's top
    assert second.top > first.bottom - 0.5  # joint issuers stacked
    assert second.right - second.left <= RIGHT - LEFT + 0.5


def test_body_holds_the_grid_of_22_lines_of_28_characters(battalion):
    page = battalion.pages[2]
    body = [line for line in lines(page) if line.top < BOTTOM]
    assert len(body) == 22
    assert near(body[0].top, TOP + (PITCH - SIZE_3) / 2)
    for above, below in zip(body, body[1:], strict=False):
        assert near(below.top - above.top, PITCH, 0.05)
    full = [line for line in body if len(line.text) == 28 and line.text.isascii() is False]
    assert full, "some lines are full"
    for line in full:
        assert near(line.left, LEFT) and near(line.right, RIGHT)


def _serves(role, line):
    """Whether the line's first glyph is set in the font the role's stack found installed."""
    chosen = fonts.font_report()[role]
    assert chosen, f"no font installed for {role}"
    return chosen.replace(" ", "").lower() in line.glyphs[0].font.replace(" ", "").lower()


def test_headings_use_the_fonts_of_their_level(battalion, subdistrict):
    level_1 = find_line(battalion.pages[0], "一、指导思想")
    assert _serves("黑体", level_1), level_1.glyphs[0].font
    page = next(p for p in subdistrict.pages if find_any(p, "（一）明确目标任务。"))
    run_in = find_line(page, "（一）明确目标任务。")
    assert _serves("楷体", run_in), run_in.glyphs[0].font
    body = find_line(battalion.pages[0], "以邓小平理论")
    assert _serves("仿宋", body), body.glyphs[0].font


# --- page numbers ---


def test_page_numbers_odd_right_even_left_7mm_below_the_text_area(battalion):
    for number in (1, 2, 3):
        page = battalion.pages[number - 1]
        line = find_line(page, f"— {number} —".replace(" ", ""))
        dash = line.glyphs[0]
        assert dash.text == "—"
        assert near((dash.top + dash.bottom) / 2, BOTTOM + 7)
        char = 14 * 25.4 / 72  # one 4号 character in
        if number % 2:
            assert near(line.right, RIGHT - char)
        else:
            assert near(line.left, LEFT + char)


# --- 成文日期, 附件, 版记 ---


def test_1999_date_in_chinese_numerals_and_no_body_note(battalion):
    texts = [line.text for page in battalion.pages for line in lines(page)]
    assert "二〇一二年三月九日" in texts
    # the 版记 shares the last page with the schedule: no page without body text to announce
    assert "（次页无正文）" not in texts
    # the body cites 附件1: the attachment is numbered although it is the only one
    assert "附件：1．农建营大接访日程安排表" in [t.replace(" ", "") for t in texts]


def test_attachment_starts_a_new_page_with_its_label_and_table(battalion):
    page = next(
        p
        for p in battalion.pages
        if find_any(p, "农建营大接访日程安排表") and lines(p)[0].text == "附件1"
    )
    label, title = lines(page)[0], find_line(page, "农建营大接访日程安排表")
    assert near(label.top, TOP + (PITCH - SIZE_3) / 2) and near(label.left, LEFT)
    assert near(title.top, TOP + 2 * PITCH + (PITCH - SIZE_2) / 2)  # on the third line
    assert find_any(page, "接访领导") and find_any(page, "机关会议室")


def find_any(page, needle):
    return any(needle in line.text for line in lines(page))


def test_1999_imprint_reads_like_the_source_with_its_last_rule_on_the_bottom(battalion):
    page = battalion.pages[-1]
    texts = [line.text for line in lines(page)]  # the 版记 at the foot of the schedule's last page
    assert "机关会议室" in texts[1].replace(" ", "")
    start = texts.index("主题词：信访工作　大接访　实施方案")
    assert texts[start:] == [
        "主题词：信访工作　大接访　实施方案",
        "报：县委办，县政府办，县信访办。",
        "发：营各股（室）。",
        "隰县民兵农建营办公室2012年3月9日印发",
        f"— {len(battalion.pages)} —",
    ]
    terms = find_line(page, "主题词")
    black = [r for r in rules(page) if not (r[4][:1] and r[4][0] > 0.8) and r[0] > terms.top]
    assert len(black) == 3
    last_rule = black[-1]
    assert near(last_rule[1], BOTTOM)  # the last rule on the bottom edge of the text area
    assert near(last_rule[1] - last_rule[0], 0.35, 0.05)
    assert near(black[1][1] - black[1][0], 0.25, 0.05)
    printed = find_line(page, "隰县民兵农建营办公室")
    assert printed.bottom < last_rule[0] < printed.bottom + 3  # the last line on the last line
    # 1999: the lines of the 版记 in 3号, one character in from either side
    assert all(near(g.size, SIZE_3, 0.05) for g in printed.glyphs)
    assert near(printed.left, LEFT + SIZE_3) and near(printed.right, RIGHT - SIZE_3)
    assert all(near(g.size, SIZE_3, 0.05) for g in find_line(page, "报：县委办").glyphs)
    assert near(terms.left, LEFT)


def test_2012_imprint_has_copy_to_and_arabic_dates():
    doc = {
        "title": "关于做好信访工作的通知",
        "issuer_marks": ["某某县人民政府办公室文件"],
        "doc_number": "某政办发（2024）第08号",
        "sections": [{"level": 0, "text": "正文。"}],
        "date_written": datetime.date(2024, 3, 9),
        "signatories": ["某某县人民政府办公室"],
        "copy_to": ["县委办公室", "县信访局"],
        "printed_by": "某某县人民政府办公室",
        "printed_date": datetime.date(2024, 3, 10),
    }
    pdf = open_pdf(exports.render_circular(doc))
    page = pdf.pages[-1]
    texts = [line.text for line in lines(page)]
    assert "某政办发〔2024〕8号" in texts and "2024年3月9日" in texts
    assert "抄送：县委办公室，县信访局。" in texts
    assert "某某县人民政府办公室2024年3月10日印发" in texts
    black = [r for r in rules(page) if not (r[4][:1] and r[4][0] > 0.8)]
    assert near(black[-1][1], BOTTOM) and near(black[0][1] - black[0][0], 0.35, 0.05)
    signature = next(line for line in lines(page) if line.text == "某某县人民政府办公室")
    date = find_line(page, "2024年3月9日")
    assert near(date.top - signature.top, PITCH)  # the 署名 on the line above the date
    assert near(date.right, RIGHT - 4 * SIZE_3)  # 右空四字
    assert near((signature.left + signature.right) / 2, (date.left + date.right) / 2)


def test_even_imprint_page_moves_the_imprint_after_a_blank_page():
    body = [{"level": 0, "text": "正文。"}]
    doc = {
        "title": "通知",
        "issuer_marks": ["某单位"],
        "sections": body,
        "printed_by": "某单位办公室",
        "printed_date": datetime.date(2024, 1, 2),
        "copy_to": ["县信访局"],
    }
    plain = open_pdf(exports.render_circular(doc))
    assert len(plain.pages) == 1 and find_any(plain.pages[0], "抄送")
    even = open_pdf(exports.render_circular({**doc, "even_imprint_page": True}))
    assert len(even.pages) == 2
    assert find_any(even.pages[1], "抄送") and not find_any(even.pages[0], "抄送")
    assert not find_any(even.pages[1], "—")  # the 版记 page is not numbered
    # a body that ends on page 2 keeps its 版记 there
    long = {
        **doc,
        "even_imprint_page": True,
        "sections": [{"level": 0, "text": "\n".join(["一段正文。"] * 24)}],
    }
    twice = open_pdf(exports.render_circular(long))
    assert len(twice.pages) == 2 and find_any(twice.pages[1], "抄送")
    # one that ends on page 3 gets its 版记 on page 4, nothing but the 版记 there
    longer = {**long, "sections": [{"level": 0, "text": "\n".join(["一段正文。"] * 50)}]}
    four = open_pdf(exports.render_circular(longer))
    assert len(four.pages) == 4 and find_any(four.pages[3], "抄送")
    assert not find_any(four.pages[2], "抄送")
    # （次页无正文） asked for: the 版记 still shares the page when it fits, and the note is
    # printed only when the 版记 really is on the next page
    shared = open_pdf(exports.render_circular({**doc, "no_body_on_next_page": True}))
    assert len(shared.pages) == 1 and not find_any(shared.pages[0], "次页无正文")
    own = open_pdf(
        exports.render_circular({**doc, "even_imprint_page": True, "no_body_on_next_page": True})
    )
    assert len(own.pages) == 2 and find_any(own.pages[1], "抄送")
    assert find_any(own.pages[0], "（次页无正文）")


# --- fonts, glyphs, text ---


def test_every_font_is_embedded(battalion, subdistrict):
    import io

    for pdf in (battalion, subdistrict):
        reader = pypdf.PdfReader(
            io.BytesIO(
                pdf.stream.getvalue() if hasattr(pdf.stream, "getvalue") else pdf.stream.read()
            )
        )
        for page in reader.pages:
            for font in page["/Resources"]["/Font"].values():
                font = font.get_object()
                descendant = (
                    font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
                )
                descriptor = descendant["/FontDescriptor"].get_object()
                assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))


def test_no_character_of_the_sample_plans_lacks_a_glyph(sample_plans):
    stacks = fonts.stacks()
    for doc in sample_plans.values():
        text = "".join(str(v) for v in doc.values()) + "".join(
            (s["heading"] or "") + (s["text"] or "") for s in doc["sections"]
        )
        text += "乜隰○〔〕—"
        for role in ("仿宋", "小标宋", "黑体", "楷体"):
            assert fonts.missing_glyphs(text, stacks[role]) == set(), role


def test_missing_glyphs_are_found():
    assert fonts.missing_glyphs("\U000f0000", ["Noto Serif CJK SC"]) == {"\U000f0000"}


def test_font_report_names_an_installed_font_for_every_role():
    report = exports.font_report()
    assert set(report) >= {"小标宋", "仿宋", "黑体", "楷体"}
    assert all(report[role] for role in ("小标宋", "仿宋", "黑体", "楷体")), report
    # a deployment's own font comes first when installed
    assert exports.font_report({"仿宋": ["Noto Serif CJK SC"]})["仿宋"] == "Noto Serif CJK SC"


def test_every_part_of_the_source_text_is_printed(battalion, sample_plans):
    printed = "".join(
        line.text for page in battalion.pages for line in lines(page) if line.top < BOTTOM
    )
    doc = sample_plans["山西省隰县民兵农建营"]
    for section in doc["sections"]:
        for paragraph in (section["text"] or "").splitlines():
            assert paragraph.strip() in printed, paragraph[:20]


# --- numbers and dates ---


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("隰民农营发[2012] 2号", "隰民农营发〔2012〕2号"),
        ("某发(2012)02号", "某发〔2012〕2号"),
        ("某发【2012】第3号", "某发〔2012〕3号"),
        ("某发（2012）10号", "某发〔2012〕10号"),
        ("某发〔2012〕2号", "某发〔2012〕2号"),
    ],
)
def test_doc_numbers_are_normalised(raw, expected):
    assert circular.doc_number(raw) == expected
    assert documents.normalize_doc_number(raw) == expected


def test_dates_and_numbers_of_both_styles():
    assert date_1999(datetime.date(2012, 3, 9)) == "二〇一二年三月九日"
    assert date_1999(datetime.date(2010, 12, 31)) == "二〇一〇年十二月三十一日"
    assert date_2012(datetime.date(2012, 3, 9)) == "2012年3月9日"
    assert [chinese_number(n) for n in (1, 10, 11, 20, 21, 100, 105, 110)] == [
        "一",
        "十",
        "十一",
        "二十",
        "二十一",
        "一百",
        "一百零五",
        "一百一十",
    ]
    numbers = HeadingNumbers()
    assert [numbers.next(level) for level in (1, 2, 2, 3, 4, 3, 1, 2)] == [
        "一、",
        "（一）",
        "（二）",
        "1．",
        "（1）",
        "2．",
        "二、",
        "（一）",
    ]


# --- safety ---


def test_user_text_prints_as_text_and_fetches_nothing(monkeypatch):
    from exports import rendering

    asked = []
    real = rendering.url_fetcher

    def recording(url, *args, **kwargs):
        asked.append(url)
        return real(url, *args, **kwargs)

    monkeypatch.setattr(rendering, "url_fetcher", recording)
    hostile = (
        '<img src="file:///etc/passwd"><link rel="stylesheet" href="http://evil.example/x.css">'
        "<script>alert(1)</script>"
    )
    doc = {
        "title": hostile,
        "issuer_marks": [hostile],
        "doc_number": "x",
        "sections": [{"level": 1, "heading": hostile, "text": hostile}],
        "copy_to": [hostile],
        "printed_by": hostile,
    }
    pdf = open_pdf(exports.render_circular(doc))
    printed = "".join(line.text for page in pdf.pages for line in lines(page)).replace(" ", "")
    assert '<imgsrc="file:///etc/passwd">' in printed and "<script>alert(1)</script>" in printed
    assert "root:" not in printed
    assert asked == []


def test_the_fetcher_refuses_everything_outside_the_templates():
    from exports import rendering

    for url in (
        "file:///etc/passwd",
        "http://example.com/a.css",
        "https://example.com/",
        "data:text/plain,hi",
        f"file://{rendering.TEMPLATES}/../__init__.py",
    ):
        with pytest.raises(rendering.FetchRefused):
            rendering.url_fetcher(url)
