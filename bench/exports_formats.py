"""The battalion circular in each format, warm, in the same run: PDF (the anchor), Word, OFD.

Targets (issue 20): Word ≤ 0.3 s, OFD ≤ 0.5 s warm. The OFD is written from the PDF's layout, so
its time is the PDF's plus reading that PDF back (pdfplumber) and writing the package; both
parts are printed. Run: .venv/bin/python bench/exports_formats.py
"""

import sys

from common import report, sample, timed


def main():
    sample()
    import documents
    from documents import printable
    from exports import ofd, render

    plan = printable.plan(documents.Plan.objects.get(doc_number="隰民农营发〔2012〕2号"))
    sizes = {fmt: len(render(plan, fmt)) for fmt in ("pdf", "docx", "ofd")}  # warm up
    pdf = render(plan, "pdf")
    results = {}
    for fmt in ("pdf", "docx", "ofd"):
        results[fmt] = timed(lambda fmt=fmt: render(plan, fmt), 5)
    results["ofd from pdf"] = timed(lambda: ofd.pdf_to_ofd(pdf), 5)
    for name, (median, best, worst) in results.items():
        size = f", {sizes[name] // 1024} KB" if name in sizes else ""
        print(
            f"{name}{size}: median {median:.3f} s, best {best:.3f} s, worst {worst:.3f} s (5 runs)"
        )
    word_ok = report("Word, median warm", results["docx"][0], "s", 0.3)
    ofd_ok = report("OFD, median warm", results["ofd"][0], "s", 0.5)
    print(f"anchor: the PDF circular in the same run, median {results['pdf'][0]:.3f} s")
    return 0 if word_ok and ofd_ok else 1


if __name__ == "__main__":
    sys.exit(main())
