"""What one import may take (issue 13, "Bad input and resource limits"): a .docx is refused
from the sizes its zip declares before anything is parsed, text beyond the cap is refused, and
the importer is linear in the text (measured as the CPU time of a child process, with a bound
far above what linear work needs and far below what the quadratic importer took)."""

import io
import os
import resource
import subprocess
import sys
import textwrap
import zipfile

import docx
import pytest

from documents import importer
from documents.importer import ImportProblem, import_text

from .test_importer import COUNTY_NOTICE, _docx

PLAIN = _docx(COUNTY_NOTICE)  # built before any test stops python-docx


def _with_part(data: bytes, name: str, size: int, byte: bytes = b" ", compress=True) -> bytes:
    """The .docx ``data`` with one more part of ``size`` bytes, written in chunks."""
    out = io.BytesIO()
    method = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", method) as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        info = zipfile.ZipInfo(name)
        info.compress_type = method
        with target.open(info, "w", force_zip64=True) as part:
            chunk = byte * (1024 * 1024)
            for _ in range(size // len(chunk)):
                part.write(chunk)
            part.write(byte * (size % len(chunk)))
    return out.getvalue()


@pytest.fixture
def no_parsing(monkeypatch):
    """python-docx must not be reached: the refusal comes before any parsing."""

    def refuse(*args, **kwargs):
        raise AssertionError("the document was parsed")

    monkeypatch.setattr(docx, "Document", refuse)


def test_a_zip_bomb_is_refused_before_parsing(no_parsing):
    # 200 MB of one byte packs into a few hundred KB, as the attack in the issue did
    bomb = _with_part(PLAIN, "word/document2.xml", 200 * 1024 * 1024)
    assert len(bomb) < 1024 * 1024
    with pytest.raises(ImportProblem, match="解压后过大") as refused:
        importer.read_upload("方案.docx", bomb)
    assert "解压后为 201 MB" in str(refused.value)


def test_xml_parts_beyond_the_cap_are_refused_even_when_the_ratio_looks_normal(no_parsing):
    # stored, not compressed: a ratio of 1, but 11 MB of XML to parse
    data = _with_part(PLAIN, "customXml/item99.xml", 11 * 1024 * 1024, compress=False)
    with pytest.raises(ImportProblem, match="文字部分 12 MB"):
        importer.read_upload("方案.docx", data)


def test_a_part_that_unpacks_far_beyond_its_packed_size_is_refused(no_parsing):
    # 5 MB of a picture that packs 1000 to 1: no real picture does that
    data = _with_part(PLAIN, "word/media/image1.png", 5 * 1024 * 1024, b"\x00")
    with pytest.raises(ImportProblem, match="解压后过大"):
        importer.read_upload("方案.docx", data)


def test_an_ordinary_docx_with_a_large_picture_still_imports():
    picture = os.urandom(3 * 1024 * 1024)  # does not compress, like a real photo
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(_docx(COUNTY_NOTICE))) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr("word/media/image1.jpeg", picture)
    result = import_text(importer.read_upload("方案.docx", out.getvalue()))
    assert result.title == "关于开展领导干部大接访活动的实施方案"


def test_a_damaged_zip_directory_is_refused_in_chinese():
    data = bytearray(_docx(COUNTY_NOTICE))
    at = data.rfind(b"PK\x01\x02")  # the last central directory entry
    data[at + 20 : at + 28] = b"\xff" * 8  # its sizes
    with pytest.raises(ImportProblem):
        importer.read_upload("方案.docx", bytes(data))


def test_text_beyond_the_cap_is_refused_with_its_size():
    text = "为畅通信访渠道，结合我局实际，制定本方案。\n" * (importer.MAX_CHARS // 20)
    assert len(text) > importer.MAX_CHARS
    with pytest.raises(ImportProblem, match="文字过长（\\d+ 万字），一次最多导入 100 万字"):
        import_text(text)
    with pytest.raises(ImportProblem, match="文字过长"):
        importer.read_upload("方案.txt", text.encode("gb18030"))


def test_text_just_under_the_cap_is_accepted_by_the_check():
    importer.check_text("接访" * (importer.MAX_CHARS // 2))


# Texts that made the importer quadratic: a long run of Chinese text without punctuation
# (every pattern starting with a character class tried each position to the end of the run),
# a long numbered list at the end (the 附件 lines were gathered with list.insert(0, …)), a long
# section (its text re-joined on every line) and many distinct reporting duties (each line
# tested against every part found).
SHAPES = textwrap.dedent(
    """
    import random, resource, sys
    from documents import importer

    size = int(sys.argv[1])
    rnd = random.Random(7)
    one_run = "领导干部坚持接访随时" * (size // 30)
    numbered = "\\n".join(f"{n}．每月{n % 28 + 1}日由局长接访" for n in range(size // 30))
    long_section = "一、工作安排\\n" + "\\n".join(
        f"第{n}项：各所每天下午16:00前将第{n}类信访情况上报局办公室。" for n in range(size // 60)
    )
    for text in (one_run, numbered, long_section):
        result = importer.import_text(text)
        assert result.lines
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(usage.ru_utime + usage.ru_stime)
    """
)


def _cpu_seconds(size: int) -> float:
    def limit():
        resource.setrlimit(resource.RLIMIT_CPU, (120, 120))

    done = subprocess.run(
        [sys.executable, "-c", SHAPES, str(size)],
        capture_output=True,
        text=True,
        preexec_fn=limit,
        cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return float(done.stdout.split()[-1])


def test_the_importer_is_linear_in_the_text():
    # 300 KB of each shape (900 000 characters in all). Linear work takes about a second of CPU;
    # the quadratic importer took over a minute for the first text alone (0.1 MB: 9 s).
    assert _cpu_seconds(300_000) < 30
