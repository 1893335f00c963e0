"""The `xinfang` command: seed, check, and clear errors with a non-zero exit."""

import mongoengine
import pytest

from admin.cli import main


@pytest.fixture(autouse=True)
def _isolated(monkeypatch, tmp_path):
    monkeypatch.delenv("MONGODB_URI", raising=False)
    monkeypatch.delenv("XINFANG_DATA_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    yield
    mongoengine.disconnect_all()


def test_seed_then_seed_again(tmp_path, capsys):
    assert main(["--data-dir", str(tmp_path / "d"), "seed"]) == 0
    assert "单位 6 条" in capsys.readouterr().out
    assert main(["--data-dir", str(tmp_path / "d"), "seed"]) == 0
    assert "单位 0 条" in capsys.readouterr().out


def test_check_reports_store_counts_fonts_and_libraries(tmp_path, capsys):
    main(["--data-dir", str(tmp_path / "d"), "seed"])
    capsys.readouterr()
    code = main(["--data-dir", str(tmp_path / "d"), "check"])
    out = capsys.readouterr().out
    assert f"存储：embedded  位置：{tmp_path / 'd'}" in out
    assert "units: 6 条" in out and "case_cards: 5 条" in out
    for role in ("小标宋", "仿宋", "黑体", "楷体"):
        assert f"{role}: " in out
    assert "libharfbuzz-subset0" in out and "WeasyPrint" in out
    assert "期限与现行期限规则、节假日数据不一致：0 张" in out
    assert "列表索引与卡片不一致：0 条" in out
    assert code == 0 and "检查通过" in out  # the test command installs the fonts and libraries


def test_check_finds_stale_deadlines_and_index_rows_and_fix_puts_them_right(tmp_path, capsys):
    import datetime

    import documents
    from documents.cardquery import index as card_index

    data = ["--data-dir", str(tmp_path / "d")]
    main([*data, "seed"])
    card = documents.CaseCard.objects.filter(next_deadline__ne=None).first()
    collection = documents.CaseCard._get_collection()
    # as a restored backup or an older version of the program would have left them
    collection.update_one(
        {"_id": card.pk},
        {"$set": {"next_deadline": datetime.datetime(2001, 1, 1)}, "$inc": {"version": 1}},
    )
    mongoengine.disconnect_all()
    capsys.readouterr()
    assert card_index.current() is not None
    assert main([*data, "check"]) == 1
    out = capsys.readouterr().out
    assert "期限与现行期限规则、节假日数据不一致：1 张" in out and "xinfang check --fix" in out
    assert main([*data, "check", "--fix"]) == 0
    assert "已重新计算期限：1 张" in capsys.readouterr().out
    assert main([*data, "check"]) == 0
    out = capsys.readouterr().out
    assert "不一致：0 张" in out and "列表索引与卡片不一致：0 条" in out
    assert documents.CaseCard.objects.get(pk=card.pk).next_deadline == card.next_deadline


def test_bad_mongodb_uri_exits_non_zero_with_a_message(monkeypatch, capsys):
    monkeypatch.setenv("MONGODB_URI", "mongodb://localhost:27017")
    assert main(["check"]) == 2
    assert "没有写数据库名" in capsys.readouterr().err


def test_unknown_command_exits_non_zero(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["frobnicate"])
    assert exit_info.value.code == 2


def test_import_shows_then_saves_a_plan_and_refuses_bad_files(tmp_path, capsys):
    import pathlib

    raw = (
        pathlib.Path(__file__).resolve().parents[2]
        / "shared"
        / "seeds"
        / "000_211aa89c8b5e78a1.txt"
    )
    data = ["--data-dir", str(tmp_path / "d")]
    main([*data, "seed"])
    capsys.readouterr()
    assert main([*data, "import", str(raw), "--unit", "农建营"]) == 1
    assert "文件中有 5 篇" in capsys.readouterr().err
    assert main([*data, "import", str(raw), "--unit", "农建营", "--part", "3"]) == 0
    out = capsys.readouterr().out
    assert "发文字号：隰民农营发〔2012〕2号" in out and "领导小组：组长杨立平" in out
    assert "未保存" in out
    assert main([*data, "import", str(raw), "--unit", "农建营", "--part", "3", "--save"]) == 0
    assert "已保存" in capsys.readouterr().out
    import documents

    battalion = documents.Unit.objects.get(short_name="农建营")
    assert documents.Plan.objects(unit=battalion).count() == 2  # the sample's, and the import
    assert documents.LeadershipGroup.objects(unit=battalion).count() == 2
    assert documents.Person.objects(unit=battalion).count() == 7  # the people existed already
    junk = tmp_path / "方案.docx"
    junk.write_bytes(b"not a word document")
    assert main([*data, "import", str(junk), "--unit", "农建营"]) == 1
    assert "不是有效的 Word 文档" in capsys.readouterr().err
    assert main([*data, "import", str(tmp_path / "missing.docx"), "--unit", "农建营"]) == 1
    assert "无法读取" in capsys.readouterr().err
    assert main([*data, "import", str(raw), "--unit", "没有这个单位", "--part", "1"]) == 1
    assert "没有名为“没有这个单位”的单位" in capsys.readouterr().err
