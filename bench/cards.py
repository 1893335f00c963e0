"""1,000 case cards (the unit's own fields included) in one PDF: time and peak memory.

Targets (issues 4, 18): ≤ 30 s and ≤ 400 MB peak. Run: .venv/bin/python bench/cards.py [count]
"""

import os
import resource
import sys
import time

from common import report, sample


def main(count=1000):
    sample()
    import documents
    from documents import printable
    from exports.forms import render_case_cards

    township = documents.Unit.objects.get(name="XXX乡")
    field_set = documents.FieldSet.for_unit(township, "case_card")
    originals = [
        printable.card(card, field_set) for card in documents.CaseCard.objects(unit=township)
    ]
    cards = []
    for n in range(count):
        card = dict(originals[n % len(originals)])
        card["number"] = f"XXX乡〔2008〕{n + 1}号"
        cards.append(card)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    pdf = render_case_cards(cards)
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        f"{count} cards: {len(pdf) / 1e6:.1f} MB PDF, {elapsed:.1f} s, "
        f"peak RSS {peak:.0f} MB in the main process (before rendering {before:.0f} MB), "
        f"{workers:.0f} MB in the largest worker"
    )
    ok = report("time", elapsed, "s", 30)
    ok &= report("peak memory, main process", peak, "MB", 400)
    from exports import forms

    together = peak + workers * min(os.cpu_count() or 1, -(-count // forms.CHUNK))
    ok &= report(
        "peak memory, main process and every worker at its peak at once", together, "MB", 400
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000))
