"""Demo evaluators: two approved ones, the first holding an accepted assignment on the demo
candidate's submitted Technology portfolio (ready to rate), and one application waiting for
staff. Runs after portfolios/demo.py (INSTALLED_APPS order), which submits that portfolio.

Like the demo staff account, the evaluators get no authenticator app: the evaluator pages
ask them to set one up the first time (see README, "Demo accounts").
"""

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from lssc.accounts.demo import demo_user
from lssc.program.selectors import competency_sets_in_force
from portfolios.demo import DEMO_PDF
from portfolios.models import Portfolio
from reviews import services
from reviews.models import Assignment, Evaluator, EvaluatorStatusChange

STAFF_EMAIL = "staff@example.org"
CANDIDATE_EMAIL = "candidate@example.org"


def _approved_evaluator(email, *, first_name, last_name, employer, state, set_codes, by):
    """An approved evaluator qualified for `set_codes`; made once, its sets kept after."""
    user = demo_user(email, first_name=first_name, last_name=last_name)
    evaluator, created = Evaluator.objects.get_or_create(
        user=user,
        defaults={
            "employer": employer,
            "state": state,
            "qualifications": "MLIS; twenty years in public and academic libraries.",
            "experience": "Supervises support staff and has assessed staff training.",
            "approved_at": timezone.now(),
            "status": Evaluator.Status.APPROVED,
        },
    )
    if created:
        EvaluatorStatusChange.objects.create(
            evaluator=evaluator,
            new_status=evaluator.status,
            actor=by,
            note="Approved (demo data).",
        )
    evaluator.qualified_sets.add(*competency_sets_in_force().filter(code__in=set_codes))
    return evaluator


def _ready_to_rate(evaluator, staff) -> bool:
    """Offer the demo candidate's submitted Technology portfolio to `evaluator` and accept
    it, once. False when there is no such portfolio to assign."""
    portfolio = Portfolio.objects.filter(
        candidacy__user__email=CANDIDATE_EMAIL, competency_set__code="technology"
    ).first()
    if portfolio is None:
        return False
    if Assignment.objects.filter(portfolio=portfolio, evaluator=evaluator).exists():
        return True
    submission = portfolio.submissions.order_by("-round").first()
    if portfolio.status != Portfolio.Status.SUBMITTED or submission is None:
        return False
    assignment = services.assignment_offer(submission, evaluator, by=staff)
    services.assignment_accept(assignment, by=evaluator.user)
    return True


def _pending_application(email, *, first_name, last_name):
    """An application to evaluate, waiting for staff approval; made once."""
    user = demo_user(email, first_name=first_name, last_name=last_name)
    if Evaluator.objects.filter(user=user).exists():
        return
    services.evaluator_apply(
        user,
        fields={
            "employer": "Harbor City Public Library",
            "state": "Oregon",
            "qualifications": "MLIS; certified in library management.",
            "experience": "Branch manager; trains new circulation and reference staff.",
            "capacity_per_quarter": 2,
        },
        set_ids=list(
            competency_sets_in_force()
            .filter(code__in=["technology", "access-services"])
            .values_list("pk", flat=True)
        ),
        resume=SimpleUploadedFile("resume.pdf", DEMO_PDF),
    )


def seed(log):
    staff = get_user_model().objects.get(email=STAFF_EMAIL)
    evaluator = _approved_evaluator(
        "evaluator@example.org",
        first_name="Jordan",
        last_name="Ellis",
        employer="Lakeside Community College Library",
        state="Wisconsin",
        set_codes=["technology", "reference-information"],
        by=staff,
    )
    assigned = _ready_to_rate(evaluator, staff)
    log(
        "evaluator@example.org — an approved portfolio evaluator"
        + (" with a Technology portfolio to rate" if assigned else "")
    )
    _approved_evaluator(
        "evaluator2@example.org",
        first_name="Robin",
        last_name="Achebe",
        employer="Riverbend Public Library",
        state="Minnesota",
        set_codes=["technology"],
        by=staff,
    )
    log("evaluator2@example.org — a second approved evaluator (Technology)")
    _pending_application("applicant.evaluator@example.org", first_name="Kim", last_name="Delgado")
    log("applicant.evaluator@example.org — an application to evaluate, waiting for staff")
