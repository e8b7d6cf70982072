import random
from types import SimpleNamespace

from papercli.eval import needle
from papercli.selection import body_texts
from papercli.ingest.document import Document, Paragraph, Section, Sentence


def base_doc(n_par=5, per_par=2):
    k = iter(range(1000))
    sections = [Section(f"S{s}", 1, 1, [Paragraph([Sentence(f"Filler sentence number {next(k)} here.", 1)
                                                   for _ in range(per_par)]) for _ in range(n_par)])
                for s in range(2)]
    return Document(source="base", sections=sections)


def test_make_needle_is_seeded_and_consistent():
    a, b = needle.make_needle(random.Random(7)), needle.make_needle(random.Random(7))
    assert a == b
    fact, question, answer = a
    assert answer in fact and answer not in question
    assert question.endswith("?") and question[len("What is the "):-1] in fact
    assert len({needle.make_needle(random.Random(s))[0] for s in range(20)}) == 20


def test_with_needle_places_the_fact_at_depth():
    base = base_doc()  # 20 sentences
    for depth, want in ((0.0, 0), (0.5, 10), (0.25, 5), (1.0, 20)):
        doc, at = needle.with_needle(base, "The fact.", depth)
        sents = body_texts(doc)
        assert at == want and sents[at] == "The fact." and len(sents) == 21
    assert len(body_texts(base)) == 20  # the base is left as it was


def test_with_needle_question_first_control():
    doc, at = needle.with_needle(base_doc(), "The fact.", 0.5, question_first="What is it?")
    sents = body_texts(doc)
    assert sents[0] == "What is it?" and sents[at] == "The fact." and at == 11


def test_filler_document_reaches_the_token_budget():
    docs = [base_doc(), base_doc()]
    words = lambda t: len(t.split())  # noqa: E731
    ctx = needle.filler_document(docs, 50, words)
    total = sum(words(s) for s in body_texts(ctx))
    assert 50 <= total < 55
    assert len(body_texts(needle.filler_document(docs, 10_000, words))) == 40  # all there is


class EarlyOnlyEngine:
    """Finds the fact only in the first 40% of the context."""

    def ask(self, doc, question):
        sents = body_texts(doc)
        name = question.split()[-2]
        idx = next(i for i, s in enumerate(sents) if name in s and not s.endswith("?"))
        found = idx < 0.4 * len(sents)

        return SimpleNamespace(answer=sents[idx] if found else None,
                               evidence=[SimpleNamespace(index=idx, score=1.0)] if found else [])


def test_evaluate_grid_with_bm25_and_fake_model():
    docs = [base_doc(20, 3), base_doc(20, 3)]
    systems = {"bm25": needle.bm25_system(), "model": needle.model_system(EarlyOnlyEngine())}
    res = needle.evaluate(docs, systems, lengths=[100, 300], depths=5, seeds=2)
    assert res["depths"] == [0, 25, 50, 75, 100]
    assert set(res["recall"]) == {"bm25", "model", "model+question-first"}
    assert res["recall"]["bm25"] == [[1.0] * 5, [1.0] * 5]
    assert res["recall"]["model"][1] == [1.0, 1.0, 0.0, 0.0, 0.0]
