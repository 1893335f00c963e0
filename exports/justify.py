"""Chinese line breaking and justification on the text width, as a typesetter sets a paragraph.

WeasyPrint justifies only by widening spaces, and Chinese text has none, so the circular breaks
its paragraphs itself: it measures every character with the advance widths of the font that will
draw it (the first font of the role's stack that has it), breaks greedily with the line-start and
line-end rules (禁则: no closing punctuation at a line start, no opening one at a line end, no
break inside a number or a word), and then makes every line but the last end on the right edge —
by compressing full-width punctuation (up to half its width) when a closing mark was kept on the
line, otherwise by spreading the characters evenly. Each line comes out as its own span with the
letter spacing that fills it, lines joined by ``<br>``, the paragraph set ``white-space: nowrap``,
so WeasyPrint keeps the breaks (and its orphans and widows rules still see the lines).
"""

import functools
import re
import shutil
import subprocess

from markupsafe import Markup, escape

from . import fonts as font_stacks

# 禁则: marks that may not start a line, and marks that may not end one
NO_START = set("，。、；：？！）》」』”’〕】〉］｝…—·．,.;:?!)]}%‰℃")
NO_END = set("（《「『“‘〔【〈［｛([{")
# full-width marks whose advance is half blank: the blank half may be given up
CLOSING = set("，。、；：？！）》」』”’〕】〉］｝")
OPENING = set("（《「『“‘〔【〈［｛")
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9.,:/%‰_+\-]*|——|……|.", re.S)


@functools.cache
def _font_file(family: str):
    if family not in font_stacks.installed_families() or not shutil.which("fc-match"):
        return None
    out = subprocess.run(
        ["fc-match", "--format", "%{file}\n%{index}", family],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.split("\n")
    return (out[0], int(out[1] or 0)) if len(out) >= 2 and out[0] else None


@functools.cache
def _metrics(family: str):
    """{codepoint: advance in em} of a family's regular face, or None when it is not installed."""
    located = _font_file(family)
    if located is None:
        return None
    from fontTools.ttLib import TTFont

    with TTFont(located[0], fontNumber=located[1], lazy=True) as font:
        units = font["head"].unitsPerEm
        metrics = font["hmtx"].metrics
        return {
            code: metrics[name][0] / units
            for code, name in font.getBestCmap().items()
            if name in metrics
        }


class Measure:
    """Advance widths (em) of characters in a role's font stack, as fontconfig serves it."""

    def __init__(self, stack: list[str]):
        self.tables = [
            table
            for family in [*stack, *font_stacks.FALLBACK]
            if (table := _metrics(family)) is not None
        ]
        self._cache: dict[str, float] = {}

    def __call__(self, ch: str) -> float:
        width = self._cache.get(ch)
        if width is None:
            code = ord(ch)
            width = next((t[code] for t in self.tables if code in t), 1.0)
            self._cache[ch] = width
        return width


@functools.cache
def measures(overrides_key=None) -> dict[str, Measure]:
    overrides = dict(overrides_key) if overrides_key else None
    return {role: Measure(stack) for role, stack in font_stacks.stacks(overrides).items()}


def _key(overrides):
    if not overrides:
        return None
    return tuple(sorted((k, tuple([v] if isinstance(v, str) else v)) for k, v in overrides.items()))


class Char:
    __slots__ = ("ch", "cls", "width")

    def __init__(self, ch, cls, width):
        self.ch, self.cls, self.width = ch, cls, width


def _units(runs, measure_of):
    """The unbreakable pieces of a paragraph: a character, a number or word, —— and ……."""
    units = []
    for text, cls in runs:
        measure = measure_of(cls)
        for match in _WORD.finditer(text):
            units.append([Char(ch, cls, measure(ch)) for ch in match.group()])
    return units


class Paragraph:
    """Lines of one paragraph: ``lines`` (lists of Char) and the letter spacing of each char."""

    def __init__(self, units, width, first_width, size, spacing):
        self.size, self.spacing = size, spacing
        self.lines = self._break(units, width, first_width)
        self.width, self.first_width = width, first_width

    def _natural(self, chars):
        if not chars:
            return 0.0
        return sum(c.width for c in chars) * self.size + (len(chars) - 1) * self.spacing

    def _compressible(self, chars):
        # the blank half of each full-width mark, the line's last character excepted
        # (its trailing half is outside the measured line anyway)
        return sum(0.5 * c.width * self.size for c in chars[:-1] if c.ch in CLOSING) + sum(
            0.5 * c.width * self.size for c in chars[1:] if c.ch in OPENING
        )

    def _break(self, units, width, first_width):
        lines, line_units = [], []
        capacity = first_width
        i = 0
        while i < len(units):
            unit = units[i]
            trial = [c for u in [*line_units, unit] for c in u]
            natural = self._natural(trial)
            if natural <= capacity + 1e-6 or not line_units:
                if natural > capacity + 1e-6 and len(unit) > 1:  # a word longer than a line
                    units[i : i + 1] = [[c] for c in unit]
                    continue
                line_units.append(unit)
                i += 1
                continue
            # the unit does not fit: a closing mark (and the marks right after it, “两会”、)
            # stays on the line when compressing the line's punctuation makes room for it
            end = i
            while end < len(units) and units[end][0].ch in NO_START:
                end += 1
            kept = [c for u in [*line_units, *units[i:end]] for c in u]
            if end > i and self._natural(kept) - capacity <= self._compressible(kept):
                line_units.extend(units[i:end])  # kept, the punctuation compressed
                i = end
            else:
                # give the next line a character to stand before the closing mark, and take
                # opening marks along to the next line
                while len(line_units) > 1 and (
                    (units[i][0].ch in NO_START) or line_units[-1][-1].ch in NO_END
                ):
                    i -= 1
                    line_units.pop()
            lines.append([c for u in line_units for c in u])
            line_units = []
            capacity = width
        if line_units:
            lines.append([c for u in line_units for c in u])
        return lines

    def spacings(self, index):
        """(line letter spacing, {char index: own spacing}) that put the line on the edge."""
        line = self.lines[index]
        if index == len(self.lines) - 1 or len(line) < 2:
            return self.spacing, {}
        capacity = self.first_width if index == 0 else self.width
        gap = capacity - self._natural(line)
        if gap >= 0:  # spread the characters
            return self.spacing + gap / (len(line) - 1), {}
        # compress the blank halves of the punctuation evenly
        places = [n for n, c in enumerate(line[:-1]) if c.ch in CLOSING]
        places += [n - 1 for n, c in enumerate(line) if n > 0 and c.ch in OPENING]
        room = self._compressible(line)
        own = {}
        for n in places:
            # the mark's own half-width share of the overflow
            mark = line[n] if line[n].ch in CLOSING else line[n + 1]
            share = -gap * (0.5 * mark.width * self.size) / room
            own[n] = own.get(n, self.spacing) - share
        return self.spacing, own


def text_width(text, role="仿宋", size_mm=16 * 25.4 / 72, fonts=None) -> float:
    """The natural width (mm) of a line of text in a role's font, without letter spacing."""
    measure = measures(_key(fonts))[role]
    return sum(measure(ch) for ch in text) * size_mm


def balanced_lines(text, width_mm, *, role="仿宋", size_mm=16 * 25.4 / 72, fonts=None):
    """``text`` broken into as few lines as fit ``width_mm``, all about as long (so that no
    character is left alone on a last line), with the 禁则; returns (markup, widest line mm)."""
    natural = text_width(text, role, size_mm, fonts)
    if natural <= width_mm + 0.01 or len(text) < 2:
        return Markup(escape(text)), natural
    count = -(-natural // width_mm)
    units = _units([(text, None)], lambda cls: measures(_key(fonts))[role])
    step = size_mm / 4
    trial = natural / count
    while True:
        para = Paragraph([list(u) for u in units], trial, trial, size_mm, 0.0)
        if len(para.lines) <= count or trial >= width_mm:
            break
        trial += step
    lines = ["".join(c.ch for c in line) for line in para.lines]
    for k in range(len(lines) - 1, 0, -1):  # never one character alone: take one along
        if len(lines[k]) == 1 and len(lines[k - 1]) >= 3:
            lines[k - 1], lines[k] = lines[k - 1][:-1], lines[k - 1][-1] + lines[k]
    widest = max(text_width(line, role, size_mm, fonts) for line in lines)
    return Markup("<br>".join(escape(line) for line in lines)), widest


CELL_EXTRA_MM = 2 * 1.0 + 0.25 + 1.0  # padding, border, and room for rounding


def sized_table(headers, rows, width_mm, size_mm, fonts=None):
    """Column widths sized to the content, and the cells broken in balanced lines where a column
    must be narrower than its longest cell (never one character alone on a line). Headers keep
    one line."""
    count = max([len(headers), *(len(r) for r in rows)], default=0)
    if not count:
        return {"widths": [], "headers": headers, "rows": rows}
    # the least a column takes: its header, and its short cells (up to four characters: 会议室,
    # 星期一) on one line
    head = [text_width(h, "黑体", size_mm, fonts) + CELL_EXTRA_MM for h in headers]
    head += [CELL_EXTRA_MM] * (count - len(head))
    natural = list(head)
    for row in rows:
        for j, cell in enumerate(row):
            width = text_width(cell, "仿宋", size_mm, fonts) + CELL_EXTRA_MM
            natural[j] = max(natural[j], width)
            if len(cell) <= 4:
                head[j] = max(head[j], width)
    total = width_mm
    if sum(natural) <= total:
        widths = [w + (total - sum(natural)) * w / sum(natural) for w in natural]
    else:
        # columns that fit in their share keep their width; the others share what is left in
        # proportion to what they need beyond their header (the widest text wraps most)
        widths = [0.0] * count
        flexible = set(range(count))
        remaining = total
        while flexible:
            spare = remaining - sum(head[j] for j in flexible)
            need = sum(natural[j] - head[j] for j in flexible) or 1.0
            share = {j: head[j] + spare * (natural[j] - head[j]) / need for j in flexible}
            fitting = [j for j in flexible if natural[j] <= share[j]]
            if not fitting:
                for j in flexible:
                    widths[j] = max(head[j], share[j])
                break
            for j in fitting:
                widths[j] = natural[j]
                remaining -= natural[j]
                flexible.discard(j)
        widths = [w * total / sum(widths) for w in widths]
    cells = [
        [
            balanced_lines(cell, widths[j] - CELL_EXTRA_MM, size_mm=size_mm, fonts=fonts)[0]
            for j, cell in enumerate(row)
        ]
        for row in rows
    ]
    return {
        "widths": [f"{100 * w / total:.3f}" for w in widths],
        "headers": headers,
        "rows": cells,
    }


def _span(text, cls, spacing=None):
    attrs = f' class="{cls}"' if cls else ""
    if spacing is not None:
        attrs += f' style="letter-spacing:{spacing:.4f}mm"'
    return f"<span{attrs}>{escape(text)}</span>"


def set_paragraph(
    runs,
    *,
    indent_em=2.0,
    width_mm=156.0,
    size_mm=16 * 25.4 / 72,
    spacing_mm=-0.08,
    fonts=None,
    classes=None,
    role="仿宋",
):
    """The paragraph's lines as markup: ``runs`` are (text, class) pieces, class None for body
    text; ``classes`` maps a class to its font role (body text is 仿宋)."""
    table = measures(_key(fonts))
    roles = {None: role, **(classes or {})}

    def measure_of(cls):
        return table[roles.get(cls, role)]

    units = _units([(t, c) for t, c in runs if t], measure_of)
    para = Paragraph(units, width_mm, width_mm - indent_em * size_mm, size_mm, spacing_mm)
    out = []
    for index, line in enumerate(para.lines):
        spacing, own = para.spacings(index)
        pieces = []
        run, run_cls = "", None
        for n, c in enumerate(line):
            if n in own:
                if run:
                    pieces.append(_span(run, run_cls))
                    run = ""
                pieces.append(_span(c.ch, c.cls, own[n]))
                continue
            if c.cls != run_cls and run:
                pieces.append(_span(run, run_cls))
                run = ""
            run_cls = c.cls
            run += c.ch
        if run:
            pieces.append(_span(run, run_cls))
        out.append(
            f'<span class="ln" style="letter-spacing:{spacing:.4f}mm">{"".join(pieces)}</span>'
        )
    return Markup("<br>".join(out))
