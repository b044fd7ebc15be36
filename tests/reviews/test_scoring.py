"""The scoring rules (DESIGN.md §2): reconciliation, the pass rule and agreement. No database."""

from types import SimpleNamespace

import pytest

from reviews import scoring
from reviews.scoring import DISPUTED, MET, NOT_MET, PARTIAL, PassRule, passes

# --- Reconciliation -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        (MET, MET, MET),
        (MET, PARTIAL, MET),
        (MET, NOT_MET, DISPUTED),
        (PARTIAL, MET, MET),
        (PARTIAL, PARTIAL, PARTIAL),
        (PARTIAL, NOT_MET, NOT_MET),
        (NOT_MET, MET, DISPUTED),
        (NOT_MET, PARTIAL, NOT_MET),
        (NOT_MET, NOT_MET, NOT_MET),
    ],
)
def test_reconcile_follows_the_design_table(first, second, expected):
    assert scoring.reconcile(first, second) == expected


def test_reconcile_table_is_symmetric():
    for first in scoring.VALUES:
        for second in scoring.VALUES:
            assert scoring.reconcile(first, second) == scoring.reconcile(second, first)


@pytest.mark.parametrize(
    ("first", "second"),
    [("met", "excellent"), ("Met", "met"), ("", "met"), ("disputed", "met"), (None, "met")],
)
def test_reconcile_rejects_unknown_values(first, second):
    with pytest.raises(ValueError, match="Unknown rating pair"):
        scoring.reconcile(first, second)


def test_reconcile_all_lets_the_adjudicator_settle_only_the_disputed_competencies():
    first = {1: MET, 2: MET, 3: NOT_MET, 4: PARTIAL}
    second = {1: NOT_MET, 2: PARTIAL, 3: MET, 4: NOT_MET}
    # The adjudicator rated 1 (disputed) and, by mistake, 2 and 4 (not disputed).
    adjudicator = {1: PARTIAL, 2: NOT_MET, 4: MET}

    result = scoring.reconcile_all(first, second, adjudicator)

    assert result == {1: PARTIAL, 2: MET, 3: DISPUTED, 4: NOT_MET}


def test_reconcile_all_without_adjudicator_reports_disputes():
    result = scoring.reconcile_all({1: MET, 2: PARTIAL}, {1: NOT_MET, 2: PARTIAL})

    assert result == {1: DISPUTED, 2: PARTIAL}


def test_reconcile_all_refuses_different_competencies():
    with pytest.raises(ValueError, match="same competencies"):
        scoring.reconcile_all({1: MET, 2: MET}, {1: MET, 3: MET})


def test_reconcile_all_refuses_an_unknown_value():
    with pytest.raises(ValueError, match="Unknown rating pair"):
        scoring.reconcile_all({1: MET, 2: "great"}, {1: MET, 2: MET})


# --- Pass rule ----------------------------------------------------------------------------


def test_exactly_seventy_percent_met_and_thirty_percent_partial_passes():
    assert passes([MET] * 7 + [PARTIAL] * 3) is True


def test_sixty_percent_met_and_forty_percent_partial_fails():
    assert passes([MET] * 6 + [PARTIAL] * 4) is False


def test_a_single_not_met_fails_even_with_seventy_percent_met():
    assert passes([MET] * 7 + [PARTIAL] * 2 + [NOT_MET]) is False


def test_all_met_passes():
    assert passes([MET] * 10) is True


def test_a_disputed_result_fails_even_when_everything_else_is_met():
    assert passes([MET] * 9 + [DISPUTED]) is False


def test_no_results_fail():
    assert passes([]) is False


def test_passes_accepts_any_iterable():
    assert passes(iter([MET, MET, MET])) is True
    assert passes({1: MET, 2: PARTIAL}.values()) is False  # 50 % Met


def test_thresholds_are_exact_fractions_not_rounded_floats():
    # 2 of 3 Met is 66.67 %: short of 70 % however it is rounded.
    assert passes([MET, MET, PARTIAL]) is False
    # 1 of 3 Partially met is 33.3 %, over a 33 % ceiling; 2 of 3 Met meets 66 %.
    assert passes([MET, MET, PARTIAL], PassRule(met_min_percent=66, partial_max_percent=33)) is (
        False
    )
    assert passes([MET, MET, PARTIAL], PassRule(met_min_percent=66, partial_max_percent=34)) is (
        True
    )


def test_custom_pass_rule_thresholds():
    lenient = PassRule(met_min_percent=50, partial_max_percent=40, not_met_max=1)
    ratings = [MET] * 5 + [PARTIAL] * 4 + [NOT_MET]

    assert passes(ratings, lenient) is True
    assert passes(ratings) is False
    # Two Not met is over the lenient rule's allowance of one.
    assert passes([MET] * 5 + [PARTIAL] * 3 + [NOT_MET] * 2, lenient) is False
    # A stricter rule: everything Met.
    strict = PassRule(met_min_percent=100, partial_max_percent=0)
    assert passes([MET] * 10, strict) is True
    assert passes([MET] * 9 + [PARTIAL], strict) is False


def test_pass_rule_from_program_rules():
    rules = SimpleNamespace(
        pass_met_min_percent=80, pass_partial_max_percent=20, pass_not_met_max=2
    )

    assert PassRule.from_rules(rules) == PassRule(
        met_min_percent=80, partial_max_percent=20, not_met_max=2
    )


def test_default_pass_rule_is_the_design_rule():
    assert PassRule() == PassRule(met_min_percent=70, partial_max_percent=30, not_met_max=0)


# --- Agreement ----------------------------------------------------------------------------


def test_agreement_matches_a_hand_computed_cohens_kappa():
    # Ten competencies, rater A (rows) against rater B (columns):
    #
    #              B: met  partial  not_met | A total
    #   A: met         4      1        0    |   5
    #   A: partial     1      2        0    |   3
    #   A: not_met     0      1        1    |   2
    #   B total        5      4        1    |  10
    #
    # observed agreement p_o = (4 + 2 + 1) / 10 = 0.70
    # expected agreement p_e = (5*5 + 3*4 + 2*1) / 10^2 = (25 + 12 + 2) / 100 = 0.39
    # kappa = (p_o - p_e) / (1 - p_e) = 0.31 / 0.61 = 0.508196... -> 0.508
    pairs = (
        [(MET, MET)] * 4
        + [(MET, PARTIAL)]
        + [(PARTIAL, MET)]
        + [(PARTIAL, PARTIAL)] * 2
        + [(NOT_MET, PARTIAL)]
        + [(NOT_MET, NOT_MET)]
    )

    result = scoring.agreement(pairs)

    assert result == scoring.Agreement(pairs=10, percent=70.0, kappa=0.508)


def test_agreement_kappa_is_order_independent():
    pairs = [(MET, MET), (MET, PARTIAL), (NOT_MET, NOT_MET), (PARTIAL, NOT_MET)]

    assert scoring.agreement(pairs) == scoring.agreement(list(reversed(pairs)))


def test_perfect_agreement_gives_kappa_one():
    pairs = [(MET, MET), (PARTIAL, PARTIAL), (NOT_MET, NOT_MET), (MET, MET)]

    assert scoring.agreement(pairs) == scoring.Agreement(pairs=4, percent=100.0, kappa=1.0)


def test_no_pairs_gives_no_agreement():
    assert scoring.agreement([]) == scoring.Agreement(pairs=0, percent=None, kappa=None)


def test_both_raters_always_giving_one_value_leave_kappa_undefined():
    assert scoring.agreement([(MET, MET)] * 5) == scoring.Agreement(
        pairs=5, percent=100.0, kappa=None
    )


def test_agreement_worse_than_chance_gives_a_negative_kappa():
    # p_o = 0; A: met 1, partial 1; B: met 1, partial 1; p_e = (1 + 1) / 4 = 0.5;
    # kappa = (0 - 0.5) / 0.5 = -1.
    pairs = [(MET, PARTIAL), (PARTIAL, MET)]

    assert scoring.agreement(pairs) == scoring.Agreement(pairs=2, percent=0.0, kappa=-1.0)
