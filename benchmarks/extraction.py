"""Body-text extraction quality and speed: papercli's PDF reader against raw PyMuPDF `page.get_text()`.

Over ../shared/pdfs/acl/*.pdf, whose reference text (the corpus authors' own parse) is the record
`paper_id` of ../shared/data/papers.jsonl.gz. Body = title + abstract + section headings and paragraphs, without
back matter (references, acknowledgements, funding), on both sides: the reference corpus dropped it.
  recall     in-order recall: LCS of lowercase word sequences / reference length (exact, bit-parallel)
  bag recall the same without order: share of reference words found in the extracted bag of words
  precision  multiset precision: share of extracted words found in the reference bag of words
  pages/s    extraction speed, file open included
  titles     papers whose title equals the reference title (letters and digits, case ignored); raw PyMuPDF
             has no title of its own, so its column is the PDF metadata title

    python benchmarks/extraction.py [--limit N] [--pdfs DIR] [--papers FILE]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
import unicodedata
from collections import Counter
from pathlib import Path

import pymupdf

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from papercli.ingest.pdf import read_pdf  # noqa: E402

SHARED = ROOT.parent / "shared"
_TOKEN = re.compile(r"[^\W_]+")


def words(text: str) -> list[str]:
    return _TOKEN.findall(unicodedata.normalize("NFKC", text).lower())


def lcs_length(a: list[str], b: list[str]) -> int:
    """Exact LCS length of two sequences, bit-parallel over b (Hyyro 2004): O(len(a) * len(b) / 64)."""
    if not a or not b:
        return 0
    masks: dict[str, int] = {}
    for i, x in enumerate(b):
        masks[x] = masks.get(x, 0) | (1 << i)
    full = (1 << len(b)) - 1
    v = full
    for x in a:
        u = v & masks.get(x, 0)
        v = ((v + u) | (v - u)) & full
    return len(b) - bin(v).count("1")


def score(extracted: list[str], reference: list[str]) -> tuple[float, float, float]:
    """(in-order recall, bag recall, multiset precision) of extracted words against reference words."""
    recall = lcs_length(extracted, reference) / max(1, len(reference))
    bag = Counter(reference)
    found = sum(min(n, bag[w]) for w, n in Counter(extracted).items())
    return recall, found / max(1, len(reference)), found / max(1, len(extracted))


def reference_texts(papers: Path, ids: set[str]) -> dict[str, tuple[str, str]]:
    """paper id -> (body text, title) of the reference records."""
    out = {}
    with gzip.open(papers, "rt", encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            if rec["id"] in ids:
                out[rec["id"]] = (" ".join([rec.get("title", ""), rec.get("abstract", "")] + [
                    p for s in rec["sections"] for p in [s["heading"]] + s["paragraphs"]]), rec.get("title", ""))
    return out


def same_title(a: str, b: str) -> bool:
    """Titles equal in their letters and digits, case ignored."""
    key = lambda t: re.sub(r"[^a-z0-9]", "", t.lower())  # noqa: E731
    return bool(key(a)) and key(a) == key(b)


# Back matter that the reference corpus drops from its bodies (../shared/data/README.md): compared like
# with like, papercli's sections with these headings are left out of its body text here too.
_BACK_MATTER = re.compile(
    r"^(?:[\dA-Z]{1,2}(?:\.\d+)*\.?\s+)?(acknowledge?ments?|funding|author contributions?)\b", re.I)


def papercli_body(path: Path) -> tuple[str, int, str]:
    doc = read_pdf(str(path))
    parts = [doc.title, doc.abstract_text]
    for sec in doc.sections:
        if not _BACK_MATTER.match(sec.heading):
            parts += [sec.heading] + [p.text for p in sec.paragraphs]
    return " ".join(parts), doc.pages, doc.title


def raw_body(path: Path) -> tuple[str, int, str]:
    """Raw text of every page; its title is the PDF metadata title, all raw PyMuPDF offers."""
    with pymupdf.open(path) as pdf:
        return " ".join(page.get_text() for page in pdf), pdf.page_count, pdf.metadata.get("title") or ""


def run(limit: int | None = None, pdfs: Path = SHARED / "pdfs" / "acl",
        papers: Path = SHARED / "data" / "papers.jsonl.gz", out=sys.stdout) -> dict:
    rows = [json.loads(line) for line in open(pdfs / "index.jsonl", encoding="utf-8")][:limit]
    refs = reference_texts(papers, {r["paper_id"] for r in rows})
    totals = {name: {"recall": [], "bag_recall": [], "precision": [], "titles": 0, "pages": 0, "seconds": 0.0}
              for name in ("papercli", "raw")}
    for row in rows:
        ref_text, ref_title = refs.get(row["paper_id"], ("", ""))
        ref = words(ref_text)
        if not ref:
            continue
        for name, fn in (("papercli", papercli_body), ("raw", raw_body)):
            t = time.perf_counter()
            text, pages, title = fn(pdfs / row["file"])
            totals[name]["seconds"] += time.perf_counter() - t
            totals[name]["pages"] += pages
            totals[name]["titles"] += same_title(title, ref_title)
            for key, value in zip(("recall", "bag_recall", "precision"), score(words(text), ref)):
                totals[name][key].append(value)
    summary = {}
    for name, t in totals.items():
        summary[name] = {
            "papers": len(t["recall"]), "pages": t["pages"],
            "recall_mean": statistics.fmean(t["recall"]), "recall_median": statistics.median(t["recall"]),
            "bag_recall_mean": statistics.fmean(t["bag_recall"]),
            "precision_mean": statistics.fmean(t["precision"]),
            "precision_median": statistics.median(t["precision"]),
            "pages_per_s": t["pages"] / max(t["seconds"], 1e-9), "titles_matching": t["titles"],
        }
    print("| extractor | papers | pages | in-order recall (mean / median) | bag recall (mean) "
          "| precision (mean / median) | pages/s | titles = reference |", file=out)
    print("| --- | --- | --- | --- | --- | --- | --- | --- |", file=out)
    for name, s in summary.items():
        print(f"| {name} | {s['papers']} | {s['pages']} | {s['recall_mean']:.3f} / {s['recall_median']:.3f} | "
              f"{s['bag_recall_mean']:.3f} | "
              f"{s['precision_mean']:.3f} / {s['precision_median']:.3f} | {s['pages_per_s']:.0f} | "
              f"{s['titles_matching']} |", file=out)
    return summary


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=None, help="only the first N papers of index.jsonl")
    ap.add_argument("--pdfs", type=Path, default=SHARED / "pdfs" / "acl")
    ap.add_argument("--papers", type=Path, default=SHARED / "data" / "papers.jsonl.gz")
    ap.add_argument("--json", action="store_true", help="also print the summary as JSON")
    args = ap.parse_args(argv)
    summary = run(args.limit, args.pdfs, args.papers)
    if args.json:
        print(json.dumps(summary, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
