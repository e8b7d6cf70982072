"""The refusal rule's calibration: which (coverage, threshold) pair separates answerable questions."""

from papercli.train.calibrate import COVERAGE_GRID, choose_rule


def rows(pos, neg):
    return [("pos", c, v, True) for c, v in pos] + [("neg", c, v, False) for c, v in neg]


def test_coverage_alone_separates_so_the_threshold_stays_open():
    """Confidence says nothing (same values on both sides); the papers' coverage of the question does."""
    pos = [(0.2, 1.0), (0.9, 0.8), (0.5, 1.0), (0.3, 0.75)]
    neg = [(0.2, 0.5), (0.9, 0.67), (0.5, 0.0), (0.3, 0.6)]
    m, t, acc = choose_rule(rows(pos, neg))
    assert (m, t, acc) == (0.75, 0.0, 1.0)


def test_confidence_separates_when_coverage_cannot():
    """Every question's words are in the papers: the cut is the middle of the confidence gap."""
    pos = [(0.9, 1.0), (0.8, 1.0), (0.95, 1.0)]
    neg = [(0.3, 1.0), (0.5, 1.0), (0.1, 1.0)]
    m, t, acc = choose_rule(rows(pos, neg))
    assert m == COVERAGE_GRID[0] and t == (0.8 + 0.5) / 2 and acc == 1.0


def test_ties_answer_more():
    """Two rules do equally well: the lower coverage (and threshold) wins, so fewer answerable ones are refused."""
    pos = [(0.9, 1.0)]
    neg = [(0.9, 0.0)]
    m, t, acc = choose_rule(rows(pos, neg))
    assert (m, t, acc) == (COVERAGE_GRID[0], 0.0, 1.0)


def test_a_stricter_rule_must_win_by_a_whole_question():
    """A stricter coverage that separates better by less than one question's weight (here 1/10) is noise: the
    lenient rule stays; one that wins by more is taken."""
    pos = [(0.9, 1.0)] * 4 + [(0.9, 0.75)]
    neg = [(0.9, 0.75)] + [(0.9, 0.0)] * 2  # 0.8 refuses one more negative (+1/6) and one positive (-1/10)
    m, _, acc = choose_rule(rows(pos, neg))
    assert m <= 0.75 and abs(acc - (1.0 + 2 / 3) / 2) < 1e-9
    neg = [(0.9, 0.75)] * 2 + [(0.9, 0.0)]  # now two more negatives (+2/3) for one positive (-1/10)
    m, _, _ = choose_rule(rows(pos, neg))
    assert m == 0.8
