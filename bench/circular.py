"""The battalion's plan as a circular with its schedule attachment: warm rendering time, beside
WeasyPrint rendering the very same HTML and CSS bare (its own user-agent stylesheet, no product
code), so that the typesetting (line breaking, justification, tables, 版记 placement) is seen to
cost no time of its own.

Targets (issues 4, 18): ≤ 0.3 s median warm, and at or below the bare rendering.
Run: .venv/bin/python bench/circular.py
"""

import re
import sys

from common import report, sample, timed


def main():
    sample()
    import weasyprint

    import documents
    from documents import printable
    from exports import render_circular
    from exports.circular import context, imprint_defaults, stylesheet
    from exports.rendering import environment

    plan = printable.plan(documents.Plan.objects.get(doc_number="隰民农营发〔2012〕2号"))
    pages = render_circular(plan)  # warm up: fonts, CSS, caches
    median, best, worst = timed(lambda: render_circular(plan), 10)
    print(
        f"battalion circular, {len(pages) // 1024} KB; 10 runs: median {median:.3f} s, "
        f"best {best:.3f} s, worst {worst:.3f} s"
    )
    # the anchor: the same HTML (as the product lays it out) and CSS, WeasyPrint bare
    html = environment.get_template("circular.html").render(**context(imprint_defaults(plan)[0]))
    html = re.sub(r">\s+<", "><", html)
    css = weasyprint.CSS(string=stylesheet())

    def bare():
        return weasyprint.HTML(string=html).write_pdf(stylesheets=[css])

    bare()
    anchor, anchor_best, anchor_worst = timed(bare, 10)
    print(
        f"WeasyPrint bare, same HTML and CSS; 10 runs: median {anchor:.3f} s, "
        f"best {anchor_best:.3f} s, worst {anchor_worst:.3f} s"
    )
    print(f"product / bare: {median / anchor:.2f}")
    ok = report("median warm render", median, "s", 0.3)
    ok &= report("median warm render over the bare one", median / anchor, "×", 1.0)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
