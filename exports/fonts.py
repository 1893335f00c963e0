"""The font stack of each typographic role of an official document, and which font serves it."""

import functools
import re
import shutil
import subprocess

# Licensed fonts first (a unit that installs them gets the real look), then free ones: the Fandol
# fonts (仿宋, 黑体, 楷体, 宋体 from TeX Live, installed by scripts/setup) and Noto CJK.
FONT_ROLES = {
    "小标宋": [
        "方正小标宋简体",
        "方正小标宋_GBK",
        "FZXiaoBiaoSong-B05S",
        "Noto Serif CJK SC",
        "FandolSong",
    ],
    "仿宋": [
        "仿宋_GB2312",
        "FangSong_GB2312",
        "仿宋",
        "FangSong",
        "FandolFang",
        "Noto Serif CJK SC",
    ],
    "黑体": ["黑体", "SimHei", "FandolHei", "Noto Sans CJK SC"],
    "楷体": ["楷体_GB2312", "KaiTi_GB2312", "楷体", "KaiTi", "FandolKai", "AR PL UKai CN"],
    "宋体": ["宋体", "SimSun", "FandolSong", "Noto Serif CJK SC"],
}
# every role ends with these, so that a character missing from a role's font still has a glyph
FALLBACK = ["Noto Serif CJK SC", "Noto Sans CJK SC"]


def stacks(overrides: dict | None = None) -> dict[str, list[str]]:
    """The stacks of every role, with a deployment's own stacks put first."""
    result = {role: list(stack) for role, stack in FONT_ROLES.items()}
    for role, stack in (overrides or {}).items():
        if role in result:
            given = [stack] if isinstance(stack, str) else list(stack)
            result[role] = given + [f for f in result[role] if f not in given]
    return result


def css_family(stack: list[str]) -> str:
    names = stack + [f for f in FALLBACK if f not in stack]
    # names come from configuration: keep them from closing the CSS rule they stand in
    clean = [re.sub(r'["\\;{}<>]', "", name) for name in names]
    return ", ".join(f'"{name}"' for name in clean if name) + ", serif"


@functools.cache
def installed_families() -> frozenset[str]:
    """The font families fontconfig knows that cover Simplified Chinese."""
    if not shutil.which("fc-list"):
        return frozenset()
    out = subprocess.run(
        ["fc-list", "--format", "%{family}\n", ":lang=zh-cn"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    return frozenset(
        name.strip() for line in out.splitlines() for name in line.split(",") if name.strip()
    )


def font_report(overrides: dict | None = None, families=None) -> dict[str, str | None]:
    """For each role, the first font of its stack that is installed, or None."""
    families = installed_families() if families is None else families
    return {
        role: next((name for name in stack if name in families), None)
        for role, stack in stacks(overrides).items()
    }


@functools.cache
def _font_facts(family: str, bold: bool = False):
    """(characters, ascent, descent) of the font file fontconfig serves for a family, or None."""
    if family not in installed_families():
        return None
    pattern = f"{family}:weight=bold" if bold else family
    out = subprocess.run(
        ["fc-match", "--format", "%{file}\n%{index}", pattern],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.split("\n")
    if len(out) < 2 or not out[0]:
        return None
    from fontTools.ttLib import TTFont

    with TTFont(out[0], fontNumber=int(out[1] or 0), lazy=True) as font:
        units = font["head"].unitsPerEm
        return (
            frozenset(font.getBestCmap()),
            font["hhea"].ascent / units,
            -font["hhea"].descent / units,
        )


def _codepoints(family: str) -> frozenset[int]:
    """The characters a font family has (empty when it is not installed)."""
    facts = _font_facts(family)
    return facts[0] if facts else frozenset()


def em_box_shift(stack: list[str], bold: bool = False) -> float:
    """How far (in em) the ideographic em box of the stack's first installed font sits below the
    top of a line box as tall as the font size; shifting text up by it puts the character's box
    where the standard measures it, whatever the font's ascent and descent."""
    family = next((f for f in [*stack, *FALLBACK] if f in installed_families()), None)
    facts = _font_facts(family, bold) if family else None
    if facts is None:
        return 0.0
    _, ascent, descent = facts
    return round((1 - (ascent + descent)) / 2 + ascent - 0.88, 4)


def missing_glyphs(text: str, families: list[str]) -> set[str]:
    """The characters of ``text`` that none of ``families`` (nor the fallback fonts) can draw."""
    wanted = {ch for ch in text if not ch.isspace() and ord(ch) >= 0x20}
    for family in [*families, *FALLBACK]:
        wanted = {ch for ch in wanted if ord(ch) not in _codepoints(family)}
        if not wanted:
            break
    return wanted
