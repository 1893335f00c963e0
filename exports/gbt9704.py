"""The measures of a GB/T 9704 page, shared by the Word and OFD writers (millimetres, points).

The PDF circular (``circular.py`` with ``templates/gbt9704.css.j2``) is laid out by WeasyPrint
from CSS; the Word document is laid out by the word processor that opens it. Both follow these
numbers, taken from the standard and from the PDF's stylesheet.
"""

PT = 25.4 / 72  # millimetres per point
TWIP = 25.4 / 1440  # millimetres per twentieth of a point

PAGE_WIDTH, PAGE_HEIGHT = 210.0, 297.0  # A4
MARGIN_TOP, MARGIN_LEFT = 37.0, 28.0  # the standard's 37 ± 1 mm and 28 ± 1 mm
TEXT_WIDTH, TEXT_HEIGHT = 156.0, 225.0  # the text area (版心)
MARGIN_RIGHT = PAGE_WIDTH - MARGIN_LEFT - TEXT_WIDTH  # 26 mm
MARGIN_BOTTOM = PAGE_HEIGHT - MARGIN_TOP - TEXT_HEIGHT  # 35 mm

LINES, CHARS = 22, 28  # the grid: 22 lines of 28 characters of 3号
SIZE_1 = 26.0  # 一号, points
SIZE_2 = 22.0  # 二号: 标题
SIZE_3 = 16.0  # 三号: 正文
SIZE_4 = 14.0  # 四号: 版记 (2012), 页码
PITCH = 10.227  # one grid line in mm (the PDF's, a hair under 225 / 22 so that the 22nd fits)
CHAR_PITCH = TEXT_WIDTH / CHARS  # one grid character in mm

MARK_TOP = {"2012": 35.0, "1999": 25.0}  # the 发文机关标志 below the text area's top
MARK_MAX = 15.0  # the height of the 标志's characters, at most (mm)
RED_LINE_BELOW_NUMBER = 4.0  # the red line below the 发文字号
RED_LINE_WIDTH = 0.5
PAGE_NUMBER_BELOW = 7.0  # the page number's dashes below the text area
IMPRINT_THICK, IMPRINT_THIN = 0.35, 0.25  # the rules of the 版记
IMPRINT_ROW = 8.0  # one row of the 版记: 7 mm line and 0.5 mm above and below
TABLE_RULE = 0.25  # the rules of an attachment's table

RED = (0xE6, 0x00, 0x12)  # the red of the 标志 and the red line (#e60012, as in the PDF)
RED_HEX = "E60012"

# the role of each part, and the size (points) it is set in
ROLES = {
    "发文机关标志": "小标宋",
    "标题": "小标宋",
    "附件标题": "小标宋",
    "一级标题": "黑体",
    "二级标题": "楷体",
    "三级标题": "仿宋",
    "四级标题": "仿宋",
    "正文": "仿宋",
    "版记": "仿宋",
    "主题词": "黑体",
    "页码": "宋体",
}

# other names of the same licensed fonts (Word's w:altName): the font a unit installs under
# either name serves
ALT_NAMES = {
    "方正小标宋简体": "FZXiaoBiaoSong-B05S",
    "方正小标宋_GBK": "FZXiaoBiaoSong-B05",
    "仿宋_GB2312": "FangSong_GB2312",
    "仿宋": "FangSong",
    "黑体": "SimHei",
    "楷体_GB2312": "KaiTi_GB2312",
    "楷体": "KaiTi",
    "宋体": "SimSun",
}


def mm_to_twips(mm: float) -> int:
    return round(mm / TWIP)


def text_width(text: str, size_mm: float) -> float:
    """The width of a line of text on the grid: CJK and full-width characters one em, ASCII half."""
    return sum(size_mm / 2 if ord(ch) < 0x2E80 and ch != "—" else size_mm for ch in text)
