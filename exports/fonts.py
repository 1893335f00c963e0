"""The font stack of each typographic role of an official document, and which font serves it."""

import shutil
import subprocess

# Licensed fonts first (a unit that installs them gets the real look), then free ones from Debian.
FONT_ROLES = {
    "小标宋": ["方正小标宋简体", "FZXiaoBiaoSong-B05S", "Noto Serif CJK SC", "AR PL UMing CN"],
    "仿宋": ["仿宋_GB2312", "FangSong_GB2312", "FangSong", "仿宋", "FandolFang",
             "Noto Serif CJK SC"],
    "黑体": ["黑体", "SimHei", "Noto Sans CJK SC", "WenQuanYi Zen Hei"],
    "楷体": ["楷体_GB2312", "KaiTi_GB2312", "KaiTi", "楷体", "AR PL UKai CN", "Noto Serif CJK SC"],
}  # fmt: skip


def installed_families() -> set[str]:
    """The font families fontconfig knows that cover Simplified Chinese."""
    if not shutil.which("fc-list"):
        return set()
    out = subprocess.run(
        ["fc-list", "--format", "%{family}\n", ":lang=zh-cn"],
        capture_output=True, text=True, check=False,
    ).stdout  # fmt: skip
    return {name.strip() for line in out.splitlines() for name in line.split(",") if name.strip()}


def font_report(families: set[str] | None = None) -> dict[str, str | None]:
    """For each role, the first font of its stack that is installed, or None."""
    families = installed_families() if families is None else families
    return {
        role: next((name for name in stack if name in families), None)
        for role, stack in FONT_ROLES.items()
    }
