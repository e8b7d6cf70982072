import pytest

from papercli.eval.metrics import (bootstrap_ci, contains_answer, exact_match, f1_score, hit_at_k, mean_ci,
                                   normalize_answer, rouge, budget_indices, budget_summary)


def test_rouge_hand_computed():
    r = rouge(["the cat sat"], "the cat sat on the mat")
    assert r["rouge1"] == pytest.approx(100 * 2 / 3)  # P = 3/3, R = 3/6
    assert r["rouge2"] == pytest.approx(100 * 2 * 0.4 / 1.4)  # P = 2/2, R = 2/5
    assert r["rougeLsum"] == pytest.approx(100 * 2 / 3)


def test_rouge_lsum_is_sentence_level():
    # joined as one line the LCS would be 3 of 6 tokens; one sentence per line the union LCS covers all 6
    assert rouge(["on the mat", "the cat sat"], "the cat sat on the mat")["rougeLsum"] == pytest.approx(100)


def test_rouge_stems():
    assert rouge(["cats"], "cat")["rouge1"] == pytest.approx(100)


def test_budget_summary_cuts_the_sentence_picked_last():
    sents = ["a b c", "d e f g", "", "h"]
    assert budget_summary(sents, [0, 1], 5) == ["a b c", "d e"]
    assert budget_summary(sents, [1, 0], 5) == ["a", "d e f g"]  # paper order, the last pick is cut
    assert budget_summary(sents, [0, 1, 3], 3) == ["a b c"]     # picks after the budget is spent are dropped
    assert budget_summary(sents, [2, 3, 0], 10) == ["a b c", "h"]
    assert budget_indices(sents, [1, 0], 5) == [0, 1] and budget_indices(sents, [0, 1, 3], 3) == [0]


def test_normalize_and_exact_match():
    assert normalize_answer("The  Cat!") == "cat"
    assert exact_match("the cat", ["A cat", "dog"]) == 1.0
    assert exact_match("cats", ["cat"]) == 0.0
    assert exact_match(None, ["cat"]) == 0.0


def test_f1_max_over_golds():
    assert f1_score("black cat sat", ["the cat"]) == pytest.approx(0.5)  # P 1/3, R 1
    assert f1_score("black cat sat", ["dog", "black cat"]) == pytest.approx(0.8)  # P 2/3, R 1
    assert f1_score("dog", ["cat"]) == 0.0
    assert f1_score(None, ["cat"]) == 0.0


def test_hit_at_k_whole_words():
    ev = ["No answer here.", "It lasted 42 days, in total."]
    assert hit_at_k(ev, ["42 days"], 1) == 0.0
    assert hit_at_k(ev, ["42 days"], 2) == 1.0
    assert not contains_answer("It lasted 420 days.", ["42 days"])


def test_bootstrap_ci():
    vals = [0, 1, 1, 0, 1, 1, 1, 0, 1, 1]
    mean, lo, hi = bootstrap_ci(vals, seed=3)
    assert mean == pytest.approx(0.7)
    assert lo < mean < hi and 0 <= lo and hi <= 1
    assert bootstrap_ci(vals, seed=3) == (mean, lo, hi)
    assert bootstrap_ci([2.0] * 5) == (2.0, 2.0, 2.0)
    assert mean_ci(vals)["mean"] == pytest.approx(0.7)
