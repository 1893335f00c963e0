"""The importer on other units' plans (issue 15): per feature, over the real-document corpus in
tests/corpus/, how many were read right, wrong and missed, with precision and recall.

Target (issue 15): recall ≥ 85 %, precision ≥ 97 %. Run: .venv/bin/python bench/importer.py [-v]
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.corpus_score import FEATURES, Score, documents, score_corpus  # noqa: E402


def main(verbose=False):
    score = score_corpus()
    print(f"{len(list(documents()))} documents")
    print(f"{'feature':<18}{'right':>6}{'wrong':>6}{'missed':>7}{'precision':>11}{'recall':>8}")
    for feature in FEATURES:
        counts = score.counts[feature]
        if not sum(counts.values()):  # nothing expected and nothing read
            print(f"{feature:<18}{0:>6}{0:>6}{0:>7}{'—':>10}{'—':>8}")
            continue
        precision, recall = Score.ratios(counts)
        print(
            f"{feature:<18}{counts['right']:>6}{counts['wrong']:>6}{counts['missed']:>7}"
            f"{precision:>10.0%}{recall:>8.0%}"
        )
    total = score.totals()
    precision, recall = Score.ratios(total)
    print(
        f"{'all':<18}{total['right']:>6}{total['wrong']:>6}{total['missed']:>7}"
        f"{precision:>10.0%}{recall:>8.0%}   (target: precision ≥ 97%, recall ≥ 85%)"
    )
    if verbose:
        for name, feature, outcome, expected, read in score.problems:
            print(f"  {name}: {feature} {outcome}: expected {expected!r}, read {read!r}")


if __name__ == "__main__":
    main("-v" in sys.argv)
