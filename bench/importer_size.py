"""Import time against text size (issue 13): 0.1, 1 and 5 MB of plan-like text.

The text is the five source documents' lines, numbers and names varied so nothing is read twice,
cut to size. Beside each figure, the anchor: one pass of the Traditional-to-Simplified converter
over the same text, measured in the same run (so a loaded machine shows in both). The importer is
linear when seconds per MB stay flat from 0.1 to 1 MB; texts over the cap (importer.MAX_CHARS)
are refused at once. Target (issue 15): 1 MB in under 2 s.

Run: .venv/bin/python bench/importer_size.py [MB ...]
"""

import random
import sys
import time
from pathlib import Path

from common import report


def plan_like(size_bytes, seed=1):
    from documents import importer
    from documents.textclean import to_simplified

    source = Path(__file__).resolve().parent.parent / "seeds" / "data"
    texts = [p.read_text(encoding="utf-8") for p in sorted(source.glob("*.txt"))]
    if not texts:
        texts = [(Path("/work/shared/seeds") / "000_211aa89c8b5e78a1.txt").read_text()]
    lines = [
        line
        for text in texts
        for _, part in importer.split_documents(to_simplified(text))
        for line in part.split("\n")
        if line.strip()
    ]
    rnd = random.Random(seed)
    out, size = [], 0
    while size < size_bytes:
        line = rnd.choice(lines).replace("3", str(rnd.randint(1, 28)))
        line += f"每月{rnd.randint(1, 28)}日向县信访局报告第{rnd.randint(1, 9999)}类情况。"
        out.append(line)
        size += len(line.encode()) + 1
    return "\n".join(out)


def main(sizes):
    from documents import importer
    from documents.textclean import to_simplified

    ok = True
    per_mb = {}
    for mb in sizes:
        text = plan_like(int(mb * 1024 * 1024))
        start = time.perf_counter()
        to_simplified(text)
        anchor = time.perf_counter() - start
        start = time.perf_counter()
        try:
            result = importer.import_text(text)
            outcome = (
                f"{len(result.lines)} lines, {len(result.sections)} sections, "
                f"{len(result.reporting_duties)} duties"
            )
        except importer.ImportProblem as problem:
            outcome = f"refused: {problem}"
        elapsed = time.perf_counter() - start
        per_mb[mb] = elapsed / mb
        print(
            f"{mb:>5} MB ({len(text):,} characters): {elapsed:.2f} s, {elapsed / mb:.2f} s/MB; "
            f"anchor (OpenCC pass) {anchor:.3f} s — {outcome[:90]}"
        )
        if mb == 1:
            ok &= report("1 MB import", elapsed, "s", 2)
    if 0.1 in per_mb and 1 in per_mb:
        print(f"s/MB at 1 MB ÷ s/MB at 0.1 MB: {per_mb[1] / per_mb[0.1]:.2f} (linear: about 1)")
    return ok


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    sizes = [float(x) for x in sys.argv[1:]] or [0.1, 1, 2.5, 5]
    main(sizes)
