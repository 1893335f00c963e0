"""Circulars as OFD, read back with an independent reader (tests/ofdreader.py): the same pages,
text and positions as the PDF, every font embedded with every character, the red parts red."""

import io
import zipfile

import pytest

import documents
import exports
import seeds
from documents import printable
from exports import ofd

from . import ofdreader
from .pdfgeometry import PT, open_pdf

BATTALION, SUBDISTRICT = "山西省隰县民兵农建营", "嘉善县魏塘街道"
RED = "230 0 18"


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
def pairs(sample_plans):
    """(PDF, OFD made from it) for two sample circulars."""
    result = {}
    for name in (BATTALION, SUBDISTRICT):
        pdf = exports.render_circular(sample_plans[name])
        result[name] = (pdf, ofd.pdf_to_ofd(pdf, title=sample_plans[name]["title"]))
    return result


def test_the_package_follows_the_standard(pairs):
    for _, data in pairs.values():
        document = ofdreader.read(data)  # raises on any breach of the structure
        assert document.physical_box == (0, 0, 210, 297)
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            assert package.namelist()[0] == "OFD.xml"


def _in_lines(items):
    """(baseline, x, char) sorted into lines (baselines within 0.05 mm), left to right."""
    items = sorted(items, key=lambda item: item[0])
    line, last, keyed = 0, None, []
    for baseline, x, char in items:
        if last is not None and baseline - last > 0.05:
            line += 1
        last = baseline
        keyed.append((line, x, baseline, char))
    return sorted(keyed, key=lambda item: item[:2])


def test_same_pages_text_and_positions_as_the_pdf(pairs):
    for pdf_bytes, data in pairs.values():
        pdf, document = open_pdf(pdf_bytes), ofdreader.read(data)
        assert len(document.pages) == len(pdf.pages)
        for page, read in zip(pdf.pages, document.pages, strict=True):
            height = float(page.height)
            expected = _in_lines(
                ((height - float(c["matrix"][5])) * PT, float(c["matrix"][4]) * PT, c)
                for c in page.chars
                if c["text"].isprintable()
            )
            got = _in_lines((c.baseline, c.x, c) for c in read.chars)
            assert len(got) == len(expected)
            for (_, x, base, char), (_, pdf_x, pdf_base, pdf_char) in zip(
                got, expected, strict=True
            ):
                assert char.text == pdf_char["text"]
                assert abs(x - pdf_x) < 0.05 and abs(base - pdf_base) < 0.05  # 1/20 mm
                assert abs(char.size - float(pdf_char["size"]) * PT) < 0.01


def test_every_font_is_embedded_with_every_character(pairs):
    for _, data in pairs.values():
        document = ofdreader.read(data)
        assert all(cmap for _, cmap in document.fonts.values())
        by_name = {name: cmap for name, cmap in document.fonts.values()}
        for page in document.pages:
            for char in page.chars:
                if not char.text.isspace():
                    assert ord(char.text) in by_name[char.font], (char.text, char.font)


def test_the_red_parts_are_red_and_the_imprint_has_its_rules(pairs):
    document = ofdreader.read(pairs[BATTALION][1])
    first = document.pages[0]
    mark = [c for c in first.chars if c.colour == RED]
    assert "".join(c.text for c in mark) == "山西省隰县民兵农建营"
    red = [p for p in first.paths if p.fill == RED]
    assert len(red) == 1 and abs(red[0].width - 156) < 0.5 and abs(red[0].left - 28) < 0.5
    last = document.pages[-1]
    assert "主题词" in last.text and "隰县民兵农建营办公室" in last.text
    rules = [p for p in last.paths if p.fill and p.fill != RED and p.width > 150]
    assert len(rules) == 3 and abs(rules[-1].top + rules[-1].height - 262) < 1


def test_the_joint_issuers_and_title_read_back(pairs, sample_plans):
    document = ofdreader.read(pairs[SUBDISTRICT][1])
    assert document.title == sample_plans[SUBDISTRICT]["title"]
    text = "".join(p.text for p in document.pages)
    assert "中共嘉善县魏塘街道委员会" in text and "嘉善县人民政府魏塘街道办事处" in text


def test_render_makes_the_ofd_from_the_circular(sample_plans):
    data = exports.render(sample_plans[BATTALION], "ofd")
    pages = ofdreader.read(data).pages
    assert len(pages) == len(open_pdf(exports.render(sample_plans[BATTALION])).pages)
    assert "以邓小平理论" in "".join(p.text for p in pages)


def test_bad_plans_give_a_chinese_message_not_a_file():
    with pytest.raises(exports.EmptyDocument, match="没有正文"):
        exports.render({"title": "通知", "sections": []}, "ofd")
    with pytest.raises(ValueError, match="未知的格式"):
        exports.render({"title": "通知", "sections": [{"text": "正文"}]}, "rtf")


def test_the_reader_refuses_a_broken_package(pairs):
    data = pairs[SUBDISTRICT][1]
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    broken = io.BytesIO()
    with zipfile.ZipFile(broken, "w") as package:
        for name, part in parts.items():
            if not name.endswith((".otf", ".ttf")):  # the fonts left out
                package.writestr(name, part)
    with pytest.raises(ofdreader.Invalid, match="font file"):
        ofdreader.read(broken.getvalue())
