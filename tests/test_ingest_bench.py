"""The extraction benchmark's scoring: exact bit-parallel LCS and multiset precision."""

import importlib.util
import random
from pathlib import Path

spec = importlib.util.spec_from_file_location(
    "extraction_bench", Path(__file__).resolve().parents[1] / "benchmarks" / "extraction.py")
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)


def dp_lcs(a, b):
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0]
        for j, y in enumerate(b):
            cur.append(prev[j] + 1 if x == y else max(prev[j + 1], cur[j]))
        prev = cur
    return prev[-1]


def test_lcs_matches_dynamic_programming():
    rng = random.Random(0)
    for _ in range(200):
        a = [rng.choice("abcd") for _ in range(rng.randint(0, 30))]
        b = [rng.choice("abcd") for _ in range(rng.randint(0, 30))]
        assert bench.lcs_length(a, b) == dp_lcs(a, b)


def test_score():
    recall, bag_recall, precision = bench.score(["b", "a", "x"], ["a", "b", "c", "d"])
    assert (recall, bag_recall, precision) == (0.25, 0.5, 2 / 3)
    assert bench.words("E\ufb03cient, data-driven") == ["efficient", "data", "driven"]


def test_back_matter_headings():
    for heading in ("Acknowledgments", "Acknowledgement", "7 Acknowledgements", "Funding"):
        assert bench._BACK_MATTER.match(heading)
    for heading in ("5 Conclusion", "Related Work", "A Appendix"):
        assert not bench._BACK_MATTER.match(heading)
