"""Shared set-up for the benchmarks: the sample data on an in-memory store."""

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def sample():
    from documents import store

    store.connect(mock=True)
    import seeds

    seeds.load()


def timed(function, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times), max(times)


def report(name, value, unit, target, lower_is_better=True):
    ok = value <= target if lower_is_better else value >= target
    print(f"{name}: {value:.3f} {unit} (target ≤ {target} {unit}) {'OK' if ok else 'MISSED'}")
    return ok
