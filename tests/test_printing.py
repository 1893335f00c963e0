"""Printing from the panel and the CLI: plans, case cards (with the unit's fields), blank forms."""

import re

import mongoengine
import pytest

import documents
from admin.cli import main

from .conftest import flashed_errors
from .pdfgeometry import lines, open_pdf


def _text(data):
    pdf = open_pdf(data)
    return "\n".join(line.text for page in pdf.pages for line in lines(page)), len(pdf.pages)


@pytest.fixture
def battalion_plan(seeded):
    return documents.Plan.objects.get(doc_number="隰民农营发〔2012〕2号")


def test_plan_preview_download_and_style(client, battalion_plan):
    response = client.get(f"/admin/plan/pdf/?id={battalion_plan.pk}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("inline")
    text, _ = _text(response.data)
    assert "二〇一二年三月九日" in text and "报：县委办，县政府办，县信访办。" in text
    response = client.get(f"/admin/plan/pdf/?id={battalion_plan.pk}&style=2012&download=1")
    assert response.headers["Content-Disposition"].startswith("attachment")
    text, _ = _text(response.data)
    assert "2012年3月9日" in text and "抄送：县委办，县政府办，县信访办，营各股（室）。" in text
    assert "主题词" not in text
    detail = client.get(f"/admin/plan/details/?id={battalion_plan.pk}").get_data(as_text=True)
    assert "预览公文" in detail and "按1999版格式（主题词）" in detail
    assert "fa-print" in client.get("/admin/plan/").get_data(as_text=True)


def test_schedule_table_of_a_plan(client, battalion_plan):
    response = client.get(f"/admin/plan/schedule/?id={battalion_plan.pk}")
    text, pages = _text(response.data)
    assert "山西省隰县民兵农建营接访日程安排表" in text and "机关会议室" in text
    assert "2012年3月2日星期五支部书记机关会议室" in text  # one session a line
    assert 1 < pages <= 4 and "注：参与接访人员为信访事项涉及的各股" in text


def test_unknown_plan_or_a_failed_rendering_is_a_message_not_a_500(
    client, battalion_plan, monkeypatch
):
    response = client.get("/admin/plan/pdf/?id=zzz")
    assert response.status_code == 404
    from admin import printing

    def broken(*args, **kwargs):
        raise OSError("cannot open resource")

    monkeypatch.setattr(printing, "plan_pdf", broken)
    response = client.get(f"/admin/plan/pdf/?id={battalion_plan.pk}")
    assert response.status_code == 302
    shown = flashed_errors(client.get(response.headers["Location"]))
    # a reference number to quote, the failure's own text only in the log
    assert re.search(r"生成 PDF 失败（编号 [0-9a-f]{8}）：内部错误", shown), shown
    assert "cannot open resource" not in shown


def test_case_cards_print_one_page_each_with_the_units_fields(client, seeded):
    township = documents.Unit.objects.get(name="XXX乡")
    card = documents.CaseCard.objects.get(number="XXX乡〔2008〕2号")
    text, pages = _text(client.get(f"/admin/casecard/pdf/?id={card.pk}").data)
    assert pages == 1
    for expected in (
        "一案一卡",
        "XXX乡信访事项处理卡",
        "反映砖厂粉尘污染影响农田和饮水",
        "稳控风险等级",
        "高",
        "包村干部",
        "崔伟明（副乡长",
        "2008-07-10崔伟明：会同县环保局到现场核查",
    ):
        assert expected in text.replace(" ", ""), expected
    ids = [str(c.pk) for c in documents.CaseCard.objects(unit=township)]
    response = client.post("/admin/casecard/action/", data={"action": "print", "rowid": ids})
    assert response.mimetype == "application/pdf"
    assert _text(response.data)[1] == len(ids) == 5


def test_blank_form_has_the_units_fields_on_one_page(client, seeded):
    township = documents.Unit.objects.get(name="XXX乡")
    html = client.get(f"/admin/casecard/?unit={township.pk}").get_data(as_text=True)
    assert f"/admin/casecard/blank/?unit={township.pk}" in html
    text, pages = _text(client.get(f"/admin/casecard/blank/?unit={township.pk}").data)
    assert pages == 1
    assert "稳控风险等级" in text and "□高　□中　□低" in text and "家庭成员" in text
    assert client.get("/admin/casecard/blank/?unit=zzz").status_code == 302


def test_hostile_text_on_a_card_prints_as_text(client, seeded):
    township = documents.Unit.objects.get(name="XXX乡")
    card = documents.CaseCard(
        unit=township,
        petitioner="<script>alert(1)</script>",
        subject='<img src="file:///etc/passwd">',
        extra={"risk": "高"},
    ).save()
    text, _ = _text(client.get(f"/admin/casecard/pdf/?id={card.pk}").data)
    assert "<script>alert(1)</script>" in text.replace(" ", "")
    assert '<imgsrc="file:///etc/passwd">' in text.replace(" ", "")


# --- the CLI -----------------------------------------------------------------------------------


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.delenv("MONGODB_URI", raising=False)
    folder = tmp_path / "data"
    assert main(["--data-dir", str(folder), "seed"]) == 0
    yield folder
    mongoengine.disconnect_all()


def test_cli_exports_plan_cards_schedule_and_blank_form(data_dir, tmp_path, capsys):
    out = tmp_path / "plan.pdf"
    assert (
        main(["--data-dir", str(data_dir), "export", "plan", "--unit", "农建营", "-o", str(out)])
        == 0
    )
    assert "隰民农营发〔2012〕2号" in _text(out.read_bytes())[0]
    assert (
        main(
            [
                "--data-dir",
                str(data_dir),
                "export",
                "plan",
                "--title",
                "魏塘",
                "--style",
                "1999",
                "-o",
                str(out),
            ]
        )
        == 0
    )
    assert "二〇一二年二月一日" in _text(out.read_bytes())[0]
    cards = tmp_path / "cards.pdf"
    assert (
        main(["--data-dir", str(data_dir), "export", "cards", "--unit", "XXX乡", "-o", str(cards)])
        == 0
    )
    assert _text(cards.read_bytes())[1] == 5
    for what in ("schedule", "blank-form"):
        target = tmp_path / f"{what}.pdf"
        assert (
            main(
                ["--data-dir", str(data_dir), "export", what, "--unit", "XXX乡", "-o", str(target)]
            )
            == 0
        )
        assert target.read_bytes()[:5] == b"%PDF-"
    assert "已导出" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["plan", "--unit", "不存在的单位"], "没有名为“不存在的单位”的单位"),
        (["plan", "--id", "zzz"], "记录编号无效"),
        (["plan", "--id", "000000000000000000000000"], "没有找到这份实施方案"),
        (["plan"], "请用 --id、--title 或 --unit 指定实施方案"),
        (["blank-form"], "请用 --unit 指定单位"),
        (["cards", "--unit", "XX区人民法院"], "没有找到一案一卡"),
    ],
)
def test_cli_export_errors_are_chinese_with_a_non_zero_exit(
    data_dir, tmp_path, capsys, arguments, message
):
    out = tmp_path / "x.pdf"
    assert main(["--data-dir", str(data_dir), "export", *arguments, "-o", str(out)]) == 1
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_cli_export_to_an_unwritable_place(data_dir, capsys):
    assert (
        main(
            [
                "--data-dir",
                str(data_dir),
                "export",
                "blank-form",
                "--unit",
                "XXX乡",
                "-o",
                "/nonexistent/folder/x.pdf",
            ]
        )
        == 1
    )
    assert "无法写入" in capsys.readouterr().err


def test_a_large_batch_is_laid_out_by_worker_processes_in_order(monkeypatch):
    from exports import forms

    monkeypatch.setattr(forms, "CHUNK", 2)
    monkeypatch.setattr(forms, "PARALLEL_FROM", 2)
    cards = [
        {"unit": "某乡", "number": f"第{n}号", "fields": [{"label": "信访人", "value": f"人{n}"}]}
        for n in range(7)
    ]
    text, pages = _text(forms.render_case_cards(cards))
    assert pages == 7
    assert [n for n in range(7) if f"第{n}号" in text] == list(range(7))
    assert text.index("第0号") < text.index("第3号") < text.index("第6号")


def test_plan_page_says_what_the_imprint_defaults_and_what_is_missing(client, battalion_plan):
    detail = client.get(f"/admin/plan/details/?id={battalion_plan.pk}").get_data(as_text=True)
    assert "xf-print-notes" not in detail  # 印发机关, 印发日期 and 主题词 all given
    court = documents.Plan.objects.get(unit=documents.Unit.objects.get(name="XX区人民法院"))
    court.update(printed_by=None, printed_date=None, subject_terms=[])
    detail = client.get(f"/admin/plan/details/?id={court.pk}").get_data(as_text=True)
    assert "xf-print-notes" in detail
    assert "未填写印发机关，版记按“" in detail and "办公室”印出" in detail
    assert "未填写印发日期" in detail and "按1999版格式印出时缺少主题词" in detail
    text, _ = _text(client.get(f"/admin/plan/pdf/?id={court.pk}").data)
    assert re.search(r"办公室\d{4}年\d{1,2}月\d{1,2}日印发", text)


def test_a_group_card_prints_its_representatives_and_their_phones_masked_as_needed(app, client):
    from .conftest import make_account

    unit = documents.Unit(name="集体访乡", doc_code="集乡").save()
    card = documents.CaseCard(
        unit=unit,
        petitioner="东村村民（集体）",
        group_size=30,
        representatives=[
            documents.Representative(name="王大伟", phone="13800138000"),
            documents.Representative(name="李小红", phone="13912345678"),
            documents.Representative(name="赵三"),
        ],
        subject="反映道路损坏",
    ).save()
    text, pages = _text(client.get(f"/admin/casecard/pdf/?id={card.pk}").data)
    flat = text.replace(" ", "")
    assert pages == 1 and "推选代表" in flat and "集乡信〔" in flat  # its number too
    assert "王大伟（13800138000）、李小红（13912345678）、赵三" in flat
    # a role without the personal-data right prints them masked
    app.config["TEST_ACCOUNT"] = str(make_account("viewer", "superior", unit=unit).pk)
    masked_client = app.test_client()
    text, _ = _text(masked_client.get(f"/admin/casecard/pdf/?id={card.pk}").data)
    flat = text.replace(" ", "")
    assert "王大伟（138****8000）、李小红（139****5678）" in flat and "13800138000" not in flat
