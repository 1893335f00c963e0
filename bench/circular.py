"""The battalion's plan as a circular with its schedule attachment: warm rendering time.

Target (issue 4): ≤ 0.5 s warm. Run: .venv/bin/python bench/circular.py
"""

import sys

from common import report, sample, timed


def main():
    sample()
    import documents
    from documents import printable
    from exports import render_circular

    plan = printable.plan(documents.Plan.objects.get(doc_number="隰民农营发〔2012〕2号"))
    pages = render_circular(plan)  # warm up: fonts, CSS, caches
    median, best, worst = timed(lambda: render_circular(plan), 10)
    print(
        f"battalion circular, {len(pages) // 1024} KB; 10 runs: median {median:.3f} s, "
        f"best {best:.3f} s, worst {worst:.3f} s"
    )
    return 0 if report("median warm render", median, "s", 0.5) else 1


if __name__ == "__main__":
    sys.exit(main())
