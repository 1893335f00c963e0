"""Names and constants shared by the importer's layers."""

MAX_BYTES = 20 * 1024 * 1024
# What one import may take (issue 13). A plan runs to a few thousand or tens of thousands of
# characters; the importer is linear in the text, so these bound its time (seconds) and memory.
MAX_CHARS = 1_000_000
# A .docx is a zip: its parts are checked before anything is unpacked or parsed. The XML parts
# are what python-docx parses (an lxml tree takes some 15-20 times the XML's size).
DOCX_MAX_PARTS = 2000
DOCX_MAX_XML_BYTES = 10 * 1024 * 1024
DOCX_MAX_TOTAL_BYTES = 60 * 1024 * 1024
DOCX_MAX_RATIO = 100  # unpacked / packed, over the whole file, once it unpacks past 1 MB
CJK = "\u3400-\u9fff"
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
CN_DIGITS = {
    "〇": 0,
    "○": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
    "两": 2,
}


def number_of(text: str) -> int | None:
    """A whole number as documents write it, else None: 15, １５, 十五, 二十六, 两, 一百二十, and
    二○一二 (a year, digit by digit). The one reader of numbers for the importer and the forms."""
    text = (text or "").strip()
    if len(text) > 12:  # no count or year is longer (and int() refuses 4,300 digits and more)
        return None
    if text.isdecimal():
        return int(text)
    if not text or any(c not in CN_DIGITS and c != "百" for c in text):
        return None
    if "百" in text:
        hundreds, _, rest = text.partition("百")
        if len(hundreds) > 1 or hundreds in ("十",):
            return None
        rest_value = number_of(rest) if rest else 0
        return None if rest_value is None else CN_DIGITS.get(hundreds, 1) * 100 + rest_value
    if "十" in text:
        tens, _, ones = text.partition("十")
        if len(tens) > 1 or len(ones) > 1 or "十" in ones:
            return None
        return (CN_DIGITS[tens] if tens else 1) * 10 + (CN_DIGITS[ones] if ones else 0)
    if len(text) == 1:
        return CN_DIGITS[text]
    return int("".join(str(CN_DIGITS[c]) for c in text))  # 二○一二


def around(text, at, starts="。；;\n", ends="。；;\n", reach=300) -> tuple[int, int]:
    """(start, end) of the sentence (or, with other stops, the clause) around position ``at``,
    looking at most ``reach`` characters either way, so that reading many statements stays
    linear in the text."""
    low, high = max(0, at - reach), min(len(text), at + reach)
    start = max(max(text.rfind(p, low, at) for p in starts) + 1, low)
    stops = [i for i in (text.find(p, at, high) for p in ends) if i >= 0]
    return start, min(stops) if stops else high


WEEKDAY_NAMES = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
KIND_WORDS = (
    ("实施方案", "实施方案"),
    ("实施意见", "实施意见"),
    ("工作方案", "实施方案"),
    ("方案", "实施方案"),
    ("意见", "实施意见"),
    ("通知", "通知"),
    ("总结", "总结"),
    ("报告", "总结"),
    ("公告", "通知"),
    ("制度", "实施方案"),
    ("细则", "实施方案"),
    ("办法", "实施方案"),
    ("规定", "实施方案"),
)
TITLE_SUFFIXES = (
    "副书记",
    "书记",
    "主席",
    "副乡长",
    "乡长",
    "副镇长",
    "镇长",
    "主任",
    "副主任",
    "所长",
    "局长",
    "副局长",
    "院长",
    "副院长",
    "营长",
    "副营长",
    "科长",
    "股长",
    "部长",
    "委员",
    "队长",
    "站长",
    "庭长",
    "处长",
    "干部",
    "人员",
    "出纳",
    "会计",
    "组长",
    "秘书",
    "主任科员",
    "村长",
    "支书",
    "社长",
)
ROLE_LABELS = ("副组长", "组长", "成员", "副主任", "主任", "组员")


class ImportProblem(ValueError):
    """Input that cannot be imported, said in Chinese."""


TABLE_START, TABLE_END = "\x1etable", "\x1eend"
