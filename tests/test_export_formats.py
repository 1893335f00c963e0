"""下载 Word and 下载 OFD beside 下载 PDF, on plans (and 活动总结), reports, and in the CLI."""

import datetime
import io
import re

import docx
import mongoengine
import pytest

import documents
from admin.cli import main
from documents import reports

from . import ofdreader
from .conftest import flashed_errors


@pytest.fixture
def battalion_plan(seeded):
    return documents.Plan.objects.get(doc_number="隰民农营发〔2012〕2号")


def _word_text(data):
    return "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)


def _ofd_text(data):
    return "".join(page.text for page in ofdreader.read(data).pages)


def test_plan_downloads_as_word_and_ofd(client, battalion_plan):
    detail = client.get(f"/admin/plan/details/?id={battalion_plan.pk}").get_data(as_text=True)
    assert "下载 PDF" in detail and "下载 Word" in detail and "下载 OFD" in detail
    response = client.get(f"/admin/plan/export/?id={battalion_plan.pk}&fmt=docx")
    assert response.status_code == 200
    assert response.mimetype.endswith("wordprocessingml.document")
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert ".docx" in response.headers["Content-Disposition"]
    text = _word_text(response.data)
    assert "隰民农营发〔2012〕2号" in text and "二〇一二年三月九日" in text
    response = client.get(f"/admin/plan/export/?id={battalion_plan.pk}&fmt=docx&style=2012")
    assert "2012年3月9日" in _word_text(response.data)
    response = client.get(f"/admin/plan/export/?id={battalion_plan.pk}&fmt=ofd")
    assert response.status_code == 200 and response.mimetype == "application/ofd"
    assert "隰民农营发〔2012〕2号" in _ofd_text(response.data)
    assert client.get(f"/admin/plan/export/?id={battalion_plan.pk}&fmt=rtf").status_code == 404
    assert client.get("/admin/plan/export/?id=zzz&fmt=docx").status_code == 404
    events = documents.AuditEvent.objects(action="print", target="Plan")
    assert any(e.detail.endswith(".ofd") for e in events)


def test_an_empty_plan_is_refused_in_chinese(client, seeded):
    unit = documents.Unit.objects.get(name="山西省隰县民兵农建营")
    plan = documents.Plan(unit=unit, title="空白方案").save()
    for fmt in ("docx", "ofd"):
        response = client.get(f"/admin/plan/export/?id={plan.pk}&fmt={fmt}")
        assert response.status_code == 302
        shown = flashed_errors(client.get(response.headers["Location"]))
        assert re.search(r"生成 (Word|OFD) 文件失败（编号 [0-9a-f]{8}）：文件没有正文", shown), (
            shown
        )


def test_report_downloads_as_word_and_ofd(client, battalion_plan):
    duty = battalion_plan.reporting_duties[0]
    period = reports.periods(
        duty, battalion_plan, datetime.date(2012, 4, 2), datetime.date(2012, 4, 30)
    )[0]
    report = reports.draft(battalion_plan, duty, period).save()
    page = client.get(f"/admin/reports/{report.pk}/").get_data(as_text=True)
    assert f"/admin/reports/{report.pk}/export/docx" in page
    assert f"/admin/reports/{report.pk}/export/ofd" in page
    response = client.get(f"/admin/reports/{report.pk}/export/docx")
    # the title, broken between words over two lines as it is too long for one
    word = _word_text(response.data)
    assert response.status_code == 200 and report.title in word.replace("\n", "")
    assert "\n情况周报（2012年3月31日至4月6日）\n" in word
    response = client.get(f"/admin/reports/{report.pk}/export/ofd")
    assert response.status_code == 200 and report.title[:10] in _ofd_text(response.data)
    assert client.get(f"/admin/reports/{report.pk}/export/rtf").status_code == 404


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.delenv("MONGODB_URI", raising=False)
    folder = tmp_path / "data"
    assert main(["--data-dir", str(folder), "seed"]) == 0
    yield folder
    mongoengine.disconnect_all()


def test_cli_exports_a_plan_in_each_format(data_dir, tmp_path, capsys):
    base = ["--data-dir", str(data_dir), "export", "plan", "--unit", "农建营"]
    assert main([*base, "--format", "docx", "-o", str(tmp_path / "a")]) == 0
    assert "隰民农营发〔2012〕2号" in _word_text((tmp_path / "a").read_bytes())
    assert main([*base, "-o", str(tmp_path / "b.ofd")]) == 0  # the format from the name
    assert "隰民农营发〔2012〕2号" in _ofd_text((tmp_path / "b.ofd").read_bytes())
    assert main([*base, "--format", "pdf", "-o", str(tmp_path / "c.pdf")]) == 0
    assert (tmp_path / "c.pdf").read_bytes().startswith(b"%PDF")
    capsys.readouterr()
    cards = ["--data-dir", str(data_dir), "export", "cards", "--unit", "农建营"]
    assert main([*cards, "--format", "docx", "-o", str(tmp_path / "d.docx")]) == 1
    assert "只有公文" in capsys.readouterr().err


def test_cli_refuses_an_empty_plan_in_chinese(data_dir, tmp_path, capsys):
    unit = documents.Unit.objects.get(name="山西省隰县民兵农建营")
    plan = documents.Plan(unit=unit, title="空白方案").save()
    mongoengine.disconnect_all()
    args = ["--data-dir", str(data_dir), "export", "plan", "--id", str(plan.pk), "--format"]
    out = tmp_path / "empty.docx"
    assert main([*args, "docx", "-o", str(out)]) == 1
    assert "文件没有正文" in capsys.readouterr().err and not out.exists()
