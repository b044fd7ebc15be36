"""The program's scoring rules, with no database: reconciling two evaluators' ratings of a
competency (DESIGN.md §2), the pass rule for a set, and agreement between evaluators
(percent agreement and Cohen's kappa).

Ratings are the strings "met", "partial" and "not_met" (`Rating.Value`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

MET, PARTIAL, NOT_MET = "met", "partial", "not_met"
DISPUTED = "disputed"
VALUES = (MET, PARTIAL, NOT_MET)

# Rows: one evaluator; columns: the other. The table is symmetric.
RECONCILIATION = {
    (MET, MET): MET,
    (MET, PARTIAL): MET,
    (MET, NOT_MET): DISPUTED,
    (PARTIAL, MET): MET,
    (PARTIAL, PARTIAL): PARTIAL,
    (PARTIAL, NOT_MET): NOT_MET,
    (NOT_MET, MET): DISPUTED,
    (NOT_MET, PARTIAL): NOT_MET,
    (NOT_MET, NOT_MET): NOT_MET,
}


def reconcile(first: str, second: str) -> str:
    """The reconciled rating of one competency from two evaluators' ratings, or DISPUTED
    when one says Met and the other Not met (a third evaluator then decides)."""
    try:
        return RECONCILIATION[(first, second)]
    except KeyError:
        raise ValueError(f"Unknown rating pair: {first!r}, {second!r}") from None


def reconcile_all(first: dict, second: dict, adjudicator: dict | None = None) -> dict:
    """Reconcile every competency: `first` and `second` map competency → rating; the
    adjudicator's rating settles a disputed competency. Competencies still disputed (no
    adjudicator rating yet) come back as DISPUTED."""
    if set(first) != set(second):
        raise ValueError("Both evaluators must rate the same competencies.")
    adjudicator = adjudicator or {}
    result = {}
    for key in first:
        value = reconcile(first[key], second[key])
        if value == DISPUTED and key in adjudicator:
            value = adjudicator[key]
        result[key] = value
    return result


@dataclass(frozen=True)
class PassRule:
    """A set passes when at least `met_min_percent` of its competencies are Met, at most
    `partial_max_percent` are Partially met and at most `not_met_max` are Not met."""

    met_min_percent: int = 70
    partial_max_percent: int = 30
    not_met_max: int = 0

    @classmethod
    def from_rules(cls, rules) -> PassRule:
        return cls(
            met_min_percent=rules.pass_met_min_percent,
            partial_max_percent=rules.pass_partial_max_percent,
            not_met_max=rules.pass_not_met_max,
        )


def passes(results: Iterable[str], rule: PassRule = PassRule()) -> bool:
    """Whether a set's reconciled ratings meet the pass rule. Exact fractions, so exactly
    70 % Met passes and exactly 30 % Partially met passes. Disputed results never pass."""
    counts = Counter(results)
    total = sum(counts.values())
    if total == 0 or counts[DISPUTED]:
        return False
    met = Fraction(counts[MET], total)
    partial = Fraction(counts[PARTIAL], total)
    return (
        met >= Fraction(rule.met_min_percent, 100)
        and partial <= Fraction(rule.partial_max_percent, 100)
        and counts[NOT_MET] <= rule.not_met_max
    )


@dataclass(frozen=True)
class Agreement:
    pairs: int
    percent: float | None
    kappa: float | None


def agreement(pairs: Sequence[tuple[str, str]]) -> Agreement:
    """Percent agreement and Cohen's kappa over paired ratings of the same competencies.

    kappa = (observed − expected) / (1 − expected), where expected is the chance agreement
    from each rater's own distribution. With no pairs both are None; when chance agreement
    is already total (both raters always gave one and the same value) kappa is None too,
    since it is undefined."""
    n = len(pairs)
    if n == 0:
        return Agreement(0, None, None)
    observed = sum(1 for a, b in pairs if a == b) / n
    left = Counter(a for a, _ in pairs)
    right = Counter(b for _, b in pairs)
    expected = sum(left[v] * right[v] for v in VALUES) / (n * n)
    kappa = None if expected == 1 else (observed - expected) / (1 - expected)
    return Agreement(n, round(observed * 100, 1), None if kappa is None else round(kappa, 3))
