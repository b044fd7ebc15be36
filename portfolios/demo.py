"""A submitted portfolio (Technology) and a draft one (Communication and Teamwork) for the
demo candidate."""

from django.core.files.uploadedfile import SimpleUploadedFile

from candidates.models import Candidacy
from portfolios import services
from portfolios.models import Evidence, Portfolio

# A tiny but valid one-page PDF, so the demo files open in a PDF reader.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _evidence(portfolio, user, title, marker):
    existing = portfolio.evidence.filter(title=title).first()
    if existing:
        return existing
    return services.evidence_add(
        portfolio,
        upload=SimpleUploadedFile(f"{marker}.pdf", DEMO_PDF + f"% {marker}\n".encode()),
        title=title,
        kind=Evidence.Kind.PRIMARY,
        description="",
        by=user,
    )


def _fill(portfolio, user, *, upto=None):
    evidence = _evidence(
        portfolio, user, f"{portfolio.competency_set.name}: work samples", portfolio.pk
    )
    for response in portfolio.responses.select_related("competency"):
        if upto is not None and response.competency.number > upto:
            break
        services.response_save(
            portfolio,
            competency_id=response.competency_id,
            narrative=(
                f"In my job I practise this every week. For example: {response.competency.statement} "
                "The attached work samples show how I did it and what changed as a result."
            ),
            evidence_ids=[evidence.pk],
            by=user,
        )


def seed(log):
    candidacy = Candidacy.objects.filter(user__email="candidate@example.org").first()
    if candidacy is None:
        return
    user = candidacy.user
    sets = {p.competency_set.code: p for p in candidacy.sets.select_related("competency_set")}

    technology = services.portfolio_start(
        candidacy, competency_set=sets["technology"].competency_set, by=user
    )
    if technology.status == Portfolio.Status.DRAFT:
        _fill(technology, user)
        services.learning_statement_save(
            technology,
            text="Technology is half of what patrons ask me about. Building this portfolio "
            "showed me how much I already teach, and where I want to learn more.",
            by=user,
        )
        services.portfolio_submit(technology, by=user)

    teamwork = services.portfolio_start(
        candidacy, competency_set=sets["communication-teamwork"].competency_set, by=user
    )
    if teamwork.status == Portfolio.Status.DRAFT and not teamwork.evidence.exists():
        _fill(teamwork, user, upto=4)
    log("candidate@example.org — a submitted Technology portfolio and a draft in progress")
