"""Turns a Traditional-Chinese copy with converter artifacts back into clean Simplified Chinese.

Used to build the sample data from ``shared/seeds`` and by the importer for every text a unit
brings (documents.importer)."""

import re

import opencc

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
# a pinyin reading the converter put after a character: 發(fā), 穩(wěn)
_PINYIN = re.compile(rf"\((?=[a-zü]*[{_TONED}])[a-zü{_TONED}]+\)")
# a space between two Chinese characters: 辦 公樓, 達 到
_CJK_SPACE = re.compile(r"(?<=[\u3400-\u9fff])[ \u3000]+(?=[\u3400-\u9fff])")
_HTML_TAG = re.compile(r"<?/p>|<p>")
# half-width punctuation the converter left in Chinese text; a colon between digits is a time
_PUNCTUATION = [
    (re.compile(r","), "，"),
    (re.compile(r";"), "；"),
    (re.compile(r"\("), "（"),
    (re.compile(r"\)"), "）"),
    (re.compile(r"(?<!\d):|:(?!\d)"), "："),
]

# Characters lost by the converter (shown as ? with mojibake after them), as they read in the
# published originals. Keyed by the damaged text, after conversion to Simplified.
MOJIBAKE = {
    "?,F将": "。现将",
    "?!按蠼釉L”": "。“大接访”",
    "确?;顒尤〉脤嵭?": "确保活动取得实效",
    "当?shù)亍R鲃由钊朕r户": "当地。要主动深入农户",
    "当?shù)亍钡哪繕恕?": "当地”的目标。",
    "当?shù)亍?": "当地。",
}


_CONVERTER = opencc.OpenCC("tw2s")


def to_simplified(text: str) -> str:
    """OpenCC's conversion from Traditional (Taiwan variants: 著 → 着) to Simplified."""
    return _CONVERTER.convert(text)


_SIMPLIFIED_MOJIBAKE = {to_simplified(damaged): original for damaged, original in MOJIBAKE.items()}


def clean(text: str, keep_spaces: bool = False) -> str:
    """Simplified text without the converter's artifacts. ``keep_spaces`` keeps the spaces
    between Chinese words (they separate the terms of a 主题词 line)."""
    text = _PINYIN.sub("", to_simplified(text))
    text = _HTML_TAG.sub("", text)
    if "?" in text:  # every damaged text holds the converter's ?
        for damaged, original in _SIMPLIFIED_MOJIBAKE.items():
            text = text.replace(damaged, original)
    if not keep_spaces:
        text = _CJK_SPACE.sub("", text)
    for pattern, replacement in _PUNCTUATION:
        text = pattern.sub(replacement, text)
    return text
