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
    assert code == (0 if "检查通过" in out else 1)


def test_bad_mongodb_uri_exits_non_zero_with_a_message(monkeypatch, capsys):
    monkeypatch.setenv("MONGODB_URI", "mongodb://localhost:27017")
    assert main(["check"]) == 2
    assert "没有写数据库名" in capsys.readouterr().err


def test_unknown_command_exits_non_zero(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["frobnicate"])
    assert exit_info.value.code == 2
