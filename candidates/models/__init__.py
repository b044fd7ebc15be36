"""The candidates app's models: applications, candidacies and set progress
(`candidacy.py`); certificates and renewals (`certificates.py`)."""

from .candidacy import (
    Application,
    ApplicationStatusChange,
    Candidacy,
    CandidacyStatusChange,
    DeadlineExtension,
    LibraryType,
    Payment,
    SetProgress,
    SetProgressStatusChange,
    WorkExperience,
    acceptance_letter_path,
    education_proof_path,
)
from .certificates import (
    Certificate,
    CertificateStatusChange,
    ContinuingEducation,
    Renewal,
    RenewalStatusChange,
    ce_evidence_path,
    new_verification_code,
)

__all__ = [
    "Application",
    "ApplicationStatusChange",
    "Candidacy",
    "CandidacyStatusChange",
    "Certificate",
    "CertificateStatusChange",
    "ContinuingEducation",
    "DeadlineExtension",
    "LibraryType",
    "Payment",
    "Renewal",
    "RenewalStatusChange",
    "SetProgress",
    "SetProgressStatusChange",
    "WorkExperience",
    "acceptance_letter_path",
    "ce_evidence_path",
    "education_proof_path",
    "new_verification_code",
]
