"""One rule for every cell a spreadsheet export writes (XLSX and CSV alike).

- Text that a spreadsheet would take for a formula (it starts with ``= + - @``, a tab or a
  carriage return: OWASP's CSV-injection rule) gets a leading ``'``, so ``=HYPERLINK(…)`` typed
  as a 信访人 stays text and runs nothing.
- Control characters (C0 but tab, line feed and carriage return; DEL), lone surrogates and the
  two non-characters U+FFFE, U+FFFF are dropped: XLSX cannot hold them, so one stored value
  must not make the whole export fail.
- Numbers, dates and booleans pass as they are, and so does text that is a plain number
  (``-3``, ``-0.5``): a spreadsheet reads it as the number it is, not as a formula.
"""

import re

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
UNSAFE_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_PLAIN_NUMBER = re.compile(r"[-+]?\d+(\.\d+)?")


def safe_cell(value):
    """``value`` as a spreadsheet cell may hold it; only text is changed."""
    if not isinstance(value, str):
        return value
    text = UNSAFE_CHARACTERS.sub("", str(value))
    if text.startswith(FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text
