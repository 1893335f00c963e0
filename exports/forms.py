"""Forms: the 一案一卡 card (one page a card, many in one file), the blank registration form,
and simple tables such as the reception schedule."""

import concurrent.futures
import io
import multiprocessing
import os

from . import fonts as font_stacks
from .justify import sized_table
from .rendering import environment, render_pdf

CHUNK = 25  # cards laid out at once; larger batches are joined page by page to bound memory
PARALLEL_FROM = 4  # chunks; from this many on, they are laid out in worker processes


def stylesheet(overrides=None) -> str:
    roles = font_stacks.stacks(overrides)
    families = {
        "xbs": font_stacks.css_family(roles["小标宋"]),
        "fang": font_stacks.css_family(roles["仿宋"]),
        "hei": font_stacks.css_family(roles["黑体"]),
        "kai": font_stacks.css_family(roles["楷体"]),
        "song": font_stacks.css_family(roles["宋体"]),
    }
    return environment.get_template("forms.css.j2").render(fonts=families)


def _pairs(fields):
    """Short fields two to a row, long ones a row each."""
    rows, pending = [], None
    for field in fields:
        if field.get("wide"):
            if pending:
                rows.append([pending, dict(FIELD)])
                pending = None
            rows.append([field])
        elif pending is None:
            pending = field
        else:
            rows.append([pending, field])
            pending = None
    if pending:
        rows.append([pending, dict(FIELD)])
    return rows


FIELD = {"label": "", "value": "", "wide": False, "lines": [], "size": ""}
CARD = {"unit": "", "number": "", "registered_on": "", "filled_by": "", "fields": []}


def _card(card: dict) -> dict:
    card = {**CARD, **card}
    fields = [{**FIELD, **field} for field in card["fields"]]
    return {**card, "rows": _pairs(fields)}


def render_case_cards(cards: list[dict], font_overrides=None, blank=False) -> bytes:
    """Case cards, one page each, in one PDF.

    A card is ``{"unit", "number", "registered_on", "filled_by", "fields": [{"label", "value",
    "wide", "lines", "size"}]}``: the fields in the order printed, the unit's own included.
    """
    css = stylesheet(font_overrides)
    chunks = [cards[i : i + CHUNK] for i in range(0, len(cards), CHUNK)] or [[]]
    jobs = [(chunk, css, blank) for chunk in chunks]
    workers = min(os.cpu_count() or 1, len(jobs))
    if len(jobs) >= PARALLEL_FROM and workers > 1:
        # WeasyPrint is pure Python and single-threaded: a large batch uses every core. Spawned
        # workers, since the caller may be a threaded web server.
        context = multiprocessing.get_context("spawn")
        with concurrent.futures.ProcessPoolExecutor(workers, mp_context=context) as pool:
            parts = list(pool.map(_render_chunk, jobs))
    else:
        parts = [_render_chunk(job) for job in jobs]
    return parts[0] if len(parts) == 1 else _join(parts)


def _render_chunk(job) -> bytes:
    chunk, css, blank = job
    context = {"title": "一案一卡", "blank": blank, "cards": [_card(c) for c in chunk]}
    return render_pdf("case_cards.html", context, css).write_pdf()


def _join(parts: list[bytes]) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for part in parts:
        writer.append(io.BytesIO(part))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def render_table(
    title: str,
    headers: list[str],
    rows: list[list],
    subtitle: str = "",
    widths=None,
    font_overrides=None,
) -> bytes:
    """A titled table on A4 pages, its header repeated on each page."""
    # columns sized to their content (``widths`` is the caller's old fixed guess, not needed)
    table = sized_table(
        headers, [[str(c) for c in r] for r in rows], 156.0, 12 * 25.4 / 72, font_overrides
    )
    context = {"title": title, "subtitle": subtitle, **table}
    return render_pdf("table.html", context, stylesheet(font_overrides)).write_pdf()
