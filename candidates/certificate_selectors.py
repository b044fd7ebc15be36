"""Reads of certificates and renewals, and who may see them."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from candidates.models import Candidacy, Certificate, Renewal, SetProgress
from candidates.renewal_rules import renewal_window
from lssc.accounts.roles import roles_of
from lssc.program.selectors import rules_in_force


def certificates_visible_to(user) -> QuerySet[Certificate]:
    """The holder sees their certificates; program staff see every one."""
    if not user.is_authenticated:
        return Certificate.objects.none()
    if roles_of(user).is_program_staff:
        return Certificate.objects.all()
    return Certificate.objects.filter(candidacy__user=user)


def renewals_visible_to(user) -> QuerySet[Renewal]:
    return Renewal.objects.filter(certificate__in=certificates_visible_to(user))


def current_certificate(candidacy: Candidacy) -> Certificate | None:
    """The candidacy's newest certificate (a renewal's replacement, if any)."""
    return candidacy.certificates.order_by("-issued_on", "-pk").first()


@dataclass(frozen=True)
class PublicStatus:
    code: str  # valid, grace, expired, suspended, revoked, replaced
    label: str
    detail: str = ""
    replacement: Certificate | None = None

    @property
    def badge(self) -> str:
        """The status key its badge is drawn with (lssc.status_badge)."""
        return {"grace": "expired"}.get(self.code, self.code)


def certificate_public_status(certificate: Certificate, rules, today=None) -> PublicStatus:
    """What the verification page says about a certificate today: the recorded status,
    and for a valid one what its dates say."""
    today = today or timezone.localdate()
    status = certificate.status
    if status == Certificate.Status.REPLACED:
        replacement = getattr(certificate, "superseded_by", None)
        return PublicStatus(
            "replaced",
            "Replaced by a renewal",
            f"Renewed as certificate {replacement.number}." if replacement else "",
            replacement,
        )
    if status == Certificate.Status.REVOKED:
        return PublicStatus("revoked", "Revoked", certificate.status_reason)
    if status == Certificate.Status.SUSPENDED:
        # Why a certificate is suspended is between the holder and the office; the public
        # page says only that it is.
        return PublicStatus("suspended", "Suspended")
    if status == Certificate.Status.EXPIRED:
        return PublicStatus("expired", "Expired", f"Expired on {certificate.expires_on:%-d %B %Y}.")
    if today > certificate.expires_on:
        window = renewal_window(certificate.expires_on, rules)
        if today <= window.closes:
            return PublicStatus(
                "grace",
                "Expired",
                f"Expired on {certificate.expires_on:%-d %B %Y}; the holder may still renew "
                f"until {window.closes:%-d %B %Y}.",
            )
        return PublicStatus("expired", "Expired", f"Expired on {certificate.expires_on:%-d %B %Y}.")
    return PublicStatus("valid", "Valid", f"Valid until {certificate.expires_on:%-d %B %Y}.")


def certificate_for_verification(*, code: str = "", number: str = "") -> Certificate | None:
    """The certificate with this verification code (and number, when typed): None for any
    mismatch, so a wrong code reveals nothing."""
    code = "".join(code.split()).upper()
    if not code:
        return None
    rows = Certificate.objects.select_related("superseded_by").filter(verification_code=code)
    if number:
        rows = rows.filter(number__iexact=number.strip())
    return rows.first()


def ready_for_certification_queryset(candidacies=None) -> QuerySet[Candidacy]:
    """Active candidacies (from `candidacies`, default all) whose achieved sets meet the
    rules in force, counted in the database: the one definition the staff queue and the
    home page's count share."""
    rules = rules_in_force()
    achieved = SetProgress.Status.ACHIEVED
    base = Candidacy.objects.all() if candidacies is None else candidacies
    return (
        base.filter(status=Candidacy.Status.ACTIVE)
        .annotate(
            required_done=Count(
                "sets",
                filter=Q(sets__status=achieved, sets__competency_set__kind="required"),
            ),
            electives_done=Count(
                "sets",
                filter=Q(
                    sets__status=achieved,
                    sets__chosen=True,
                    sets__competency_set__kind="elective",
                ),
            ),
        )
        .filter(required_done__gte=rules.required_sets, electives_done__gte=rules.electives_needed)
    )


def candidacies_ready_for_certification() -> list[Candidacy]:
    """The staff queue of candidacies ready for the certificate, soonest deadline first."""
    return list(
        ready_for_certification_queryset()
        .select_related("user", "application")
        .order_by("deadline", "pk")
    )
