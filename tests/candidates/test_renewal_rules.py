"""Renewal arithmetic (candidates.renewal_rules): pure functions, no database."""

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest

from candidates.renewal_rules import contact_hours, hours_progress, renewal_window

# The defaults of ProgramRules (DESIGN §2), without the database.
RULES = SimpleNamespace(
    semester_credit_hours=15,
    quarter_credit_hours=10,
    conference_day_hours=6,
    renewal_hours=32,
    renewal_technology_hours=4,
    renewal_window_months=12,
    renewal_grace_months=2,
)


def entry(kind, amount, technology=False):
    return SimpleNamespace(kind=kind, amount=Decimal(str(amount)), technology=technology)


@pytest.mark.parametrize(
    ("kind", "amount", "hours"),
    [
        ("semester", 1, Decimal(15)),
        ("semester", "1.5", Decimal("22.5")),
        ("quarter", 1, Decimal(10)),
        ("quarter", 3, Decimal(30)),
        ("conference", 1, Decimal(6)),
        ("conference", "2.5", Decimal(15)),
        ("workshop", "3.25", Decimal("3.25")),
        ("self_directed", 7, Decimal(7)),
    ],
)
def test_contact_hours_convert_each_kind_by_the_rules(kind, amount, hours):
    assert contact_hours(kind, Decimal(str(amount)), RULES) == hours


def test_contact_hours_follow_the_rules_passed_in():
    rules = SimpleNamespace(**{**vars(RULES), "semester_credit_hours": 16})
    assert contact_hours("semester", Decimal(2), rules) == Decimal(32)


def test_contact_hours_refuse_an_unknown_kind():
    with pytest.raises(ValueError, match="Unknown kind"):
        contact_hours("podcast", Decimal(1), RULES)


def test_hours_progress_with_no_entries_misses_everything():
    progress = hours_progress([], RULES)
    assert (progress.total, progress.technology) == (0, 0)
    assert (progress.needed, progress.technology_needed) == (32, 4)
    assert (progress.missing, progress.technology_missing) == (32, 4)
    assert progress.complete is False
    assert progress.percent == 0


def test_hours_progress_counts_technology_hours_only_from_technology_entries():
    progress = hours_progress(
        [entry("semester", 1), entry("workshop", 6, technology=True), entry("conference", 1)],
        RULES,
    )
    assert progress.total == Decimal(27)
    assert progress.technology == Decimal(6)
    assert progress.missing == Decimal(5)
    assert progress.technology_missing == 0
    assert progress.complete is False
    assert progress.percent == 84  # 27 / 32, rounded down


def test_hours_progress_is_complete_with_enough_hours_and_enough_technology():
    progress = hours_progress([entry("semester", 2), entry("workshop", 4, technology=True)], RULES)
    assert (progress.total, progress.technology) == (Decimal(34), Decimal(4))
    assert (progress.missing, progress.technology_missing) == (0, 0)
    assert progress.complete is True
    assert progress.percent == 100  # capped, though 34 > 32


def test_hours_progress_with_enough_hours_but_too_few_on_technology_is_not_complete():
    progress = hours_progress(
        [entry("semester", 2), entry("self_directed", 3, technology=True)], RULES
    )
    assert progress.missing == 0
    assert progress.technology_missing == Decimal(1)
    assert progress.complete is False


def test_technology_credit_course_counts_its_converted_hours_as_technology():
    progress = hours_progress([entry("quarter", 1, technology=True)], RULES)
    assert progress.technology == Decimal(10)
    assert progress.technology_missing == 0


def test_percent_is_100_when_the_rules_ask_for_no_hours():
    rules = SimpleNamespace(**{**vars(RULES), "renewal_hours": 0, "renewal_technology_hours": 0})
    progress = hours_progress([], rules)
    assert progress.percent == 100
    assert progress.complete is True


# --- The window ---------------------------------------------------------------------------

EXPIRES = date(2031, 3, 1)


def test_window_opens_twelve_months_before_expiry_and_closes_two_after():
    window = renewal_window(EXPIRES, RULES)
    assert (window.opens, window.expires, window.closes) == (
        date(2030, 3, 1),
        date(2031, 3, 1),
        date(2031, 5, 1),
    )


@pytest.mark.parametrize(
    ("today", "stage", "is_open"),
    [
        (date(2030, 2, 28), "not_yet", False),  # the day before it opens
        (date(2030, 3, 1), "open", True),  # the day it opens
        (date(2031, 3, 1), "open", True),  # the expiry day
        (date(2031, 3, 2), "grace", True),  # the day after expiry
        (date(2031, 5, 1), "grace", True),  # the last day of grace
        (date(2031, 5, 2), "closed", False),  # the day after
    ],
)
def test_window_stage_at_its_edges(today, stage, is_open):
    window = renewal_window(EXPIRES, RULES)
    assert window.stage(today) == stage
    assert window.is_open(today) is is_open


def test_window_at_a_month_end_is_clipped_to_the_shorter_month():
    window = renewal_window(date(2031, 12, 31), RULES)
    assert (window.opens, window.closes) == (date(2030, 12, 31), date(2032, 2, 29))
    window = renewal_window(date(2031, 8, 31), RULES)
    assert window.closes == date(2031, 10, 31)
    window = renewal_window(date(2031, 7, 31), RULES)
    assert window.closes == date(2031, 9, 30)


def test_window_follows_the_rules_passed_in():
    rules = SimpleNamespace(
        **{**vars(RULES), "renewal_window_months": 6, "renewal_grace_months": 0}
    )
    window = renewal_window(EXPIRES, rules)
    assert (window.opens, window.closes) == (date(2030, 9, 1), EXPIRES)
    assert window.stage(date(2031, 3, 2)) == "closed"
