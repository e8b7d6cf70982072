"""Word forms of the research-paper corpus, for the line-end hyphens that a paper alone cannot decide.

`words.tsv.gz` (next to this module) lists every lower-case word and hyphenated compound found in at least
two train-split papers of the corpus (the papers of the extraction benchmark left out), with the number of
papers it occurs in: "without" 1613, "with-out" below 2; "kernel-based" 27 (parts and hyphenated pairs of longer
compounds count as well: "of-the" from "state-of-the-art"). Built by `papercli train lexicon`.
"""

from __future__ import annotations

import gzip
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Iterable

FILE = Path(__file__).with_name("words.tsv.gz")
MIN_PAPERS = 2
_FORM = re.compile(r"[a-z]+(?:-[a-z]+)*")


@lru_cache(maxsize=1)
def corpus_words() -> Counter:
    """Word form -> number of corpus papers it occurs in (empty when the file is missing)."""
    counts: Counter = Counter()
    if FILE.exists():
        with gzip.open(FILE, "rt", encoding="utf-8") as f:
            for line in f:
                word, n = line.rstrip("\n").split("\t")
                counts[word] = int(n)
    return counts


def count_forms(texts: Iterable[str]) -> Counter:
    """Word form -> number of `texts` (one per paper) it occurs in, kept when at least MIN_PAPERS and at least
    3 characters long. A compound also counts its parts and each hyphenated pair in it ("state-of-the-art":
    "of-the", "the", ...)."""
    df: Counter = Counter()
    for text in texts:
        forms = set()
        for form in _FORM.findall(text.lower()):
            forms.add(form)
            parts = form.split("-")
            forms.update(parts)
            forms.update(f"{a}-{b}" for a, b in zip(parts, parts[1:]))
        df.update(forms)
    return Counter({w: n for w, n in df.items() if n >= MIN_PAPERS and len(w) >= 3})


def save(counts: Counter, path: str | Path = FILE) -> None:
    """Write the counts as sorted `word<TAB>papers` lines, gzipped, atomically."""
    from papercli.io import atomic_path

    with atomic_path(path) as tmp, open(tmp, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as f:
        f.write("".join(f"{w}\t{n}\n" for w, n in sorted(counts.items())).encode("utf-8"))
