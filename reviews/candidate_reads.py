"""What the candidate's own pages read about the decisions on their portfolios.

The portfolio pages need a little of the evaluation's outcome, but the apps depend the other
way round (reviews imports portfolios), so `portfolios.views` imports this module inside its
view functions, never at the top. Only released decisions come out of here, and nothing
names an evaluator: a decision's results carry their comments, not who wrote them.
"""

from __future__ import annotations

from datetime import date

from reviews import appeal_services
from reviews.models import Decision, Rating
from reviews.selectors import released_decision_for

# The badge each result wears, in the site's one status vocabulary (lssc.status_badge):
# Met reads as a good outcome, Partially met as a request, Not met as a bad outcome.
RESULT_BADGES = {
    Rating.Value.MET: "achieved",
    Rating.Value.PARTIAL: "info_requested",
    Rating.Value.NOT_MET: "not_demonstrated",
}


def released_decision(portfolio) -> Decision | None:
    """The portfolio's latest released decision, or None (drafts never count): one query."""
    return released_decision_for(portfolio)


def decision_results(decision: Decision) -> list[dict]:
    """The decision's per-competency results, each with `result_label` ("Partially met")
    and `badge` (the status key its badge is drawn with). No queries."""
    labels = dict(Rating.Value.choices)
    return [
        {
            **result,
            "result_label": labels.get(result["result"], result["result"]),
            "badge": RESULT_BADGES.get(result["result"], ""),
        }
        for result in decision.results
    ]


def decision_shortfall(decision: Decision) -> dict[int, dict]:
    """The competencies not reconciled as Met, keyed by competency id, each as in
    `decision_results`. No queries."""
    return {
        result["competency_id"]: result
        for result in decision_results(decision)
        if result["result"] != Rating.Value.MET
    }


def appeal_deadlines(decision: Decision, rules) -> dict[str, date]:
    """The last days to give notice of an appeal and to send its full grounds."""
    found = appeal_services.appeal_deadlines(decision, rules)
    return {"notice_by": found.notice_by, "grounds_by": found.grounds_by}
