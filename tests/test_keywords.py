"""Keyword weights: content stems, the word statistics, fitting, save/load."""

import random

import pytest

from papercli.ingest.document import Document, Paragraph, Section, Sentence
from papercli.keywords import STATISTICS, KeywordModel, keyword_stems, train_keyword_model, word_table


def _doc(sections, title="", source="doc"):
    return Document(source=source, title=title, sections=[
        Section(heading, 1, 1, [Paragraph([Sentence(s, 1) for s in sents])]) for heading, sents in sections])


def test_keyword_stems_are_rouge_stems_without_stopwords():
    assert keyword_stems("The summaries of 12 papers, e.g. ACL-2016!") == ("summari", "paper", "acl")
    # stopwords go before stemming: "this", "based", "only", "however" are no keywords ("thi", "base", ...)
    assert keyword_stems("This is based only on parsing, however") == ("pars",)


def test_word_table_counts_where_a_word_occurs():
    doc = _doc([("1 Introduction", ["Dilated attention is cheap.", "Attention helps."]),
                ("2 Conclusion", ["Attention wins."])], title="Dilated attention")
    words, x = word_table(doc, {"attent": 9, "cheap": 1}, 10)
    row = dict(zip(STATISTICS, x[words.index("attent")]))
    assert x.shape == (len(words), len(STATISTICS)) and set(words) == {"dilat", "attent", "cheap", "help", "win"}
    assert row["log_count"] == pytest.approx(__import__("math").log(4))
    assert row["in_title"] == 1.0 and row["in_conclusion"] == 1.0 and row["sections"] == 2
    assert row["first_position"] == 0.0
    assert dict(zip(STATISTICS, x[words.index("cheap")]))["idf"] > row["idf"]  # rarer in the corpus


def test_fit_learns_that_title_words_reach_the_abstract(tmp_path):
    rng = random.Random(0)
    vocab = [f"word{c}" for c in "abcdefghijklmnop"]

    def paper(k):
        topic = f"topic{k}"
        sents = [" ".join(rng.sample(vocab, 5) + ([topic] if i % 3 == 0 else [])) + "." for i in range(12)]
        return _doc([("1 Introduction", sents)], title=f"On {topic}", source=f"p{k}"), f"We study {topic}."

    model = train_keyword_model([paper(k) for k in range(12)])
    doc, _ = paper(99)
    weights = model.weights(doc)
    assert "topic99" in weights and len(weights) > 10
    assert weights["topic99"] > 0.5 > max(v for w, v in weights.items() if w != "topic99")
    model.save(tmp_path / "keywords.json")
    assert KeywordModel.load(tmp_path / "keywords.json").weights(doc) == weights
    assert KeywordModel(model.df, model.papers, model.mean, model.std, model.w).weights(_doc([])) == {}


@pytest.mark.parametrize("text", ["garbage", "{}", '{"statistics": ["other"]}'])
def test_a_damaged_keywords_file_is_named_in_one_error(tmp_path, text):
    (tmp_path / "keywords.json").write_text(text)
    with pytest.raises(ValueError, match="keywords.json: not a usable keywords file"):
        KeywordModel.load(tmp_path / "keywords.json")
