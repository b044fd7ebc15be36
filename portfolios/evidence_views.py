"""The evidence library of a portfolio: the list, uploads, removal and downloads.

Only the owner sees the library and changes it; the owner and program staff may download a
file. Everyone else gets 404, so nobody can probe which portfolios or files exist.

Uploads are read through `LimitedUploadHandler`, which streams the file to disk and stops
reading as soon as a limit is passed. The handler has to be installed before anything reads
the request body, and Django's CSRF middleware reads it (for the token) before the view runs,
so the upload view is exempt from the middleware and applies the same check itself once the
handler is in place (the pattern Django's upload-handler documentation gives).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lssc.core.errors import DomainError
from lssc.core.files import private_file_response
from lssc.core.uploads import LimitedUploadHandler
from portfolios import services
from portfolios.evidence_forms import KIND_HELP, EvidenceUploadForm
from portfolios.models import Evidence, Portfolio
from portfolios.selectors import evidence_library, evidence_visible_to, portfolio_for_owner

MB = services.MB
# Stored extension (Evidence.file_type) -> (how people call it, the type it is served as)
FILE_TYPES = {
    "pdf": ("PDF", "application/pdf"),
    "jpg": ("JPEG image", "image/jpeg"),
    "png": ("PNG image", "image/png"),
    "doc": ("Word", "application/msword"),
    "docx": (
        "Word",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "xlsx": ("Excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pptx": (
        "PowerPoint",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    "odt": ("OpenDocument text", "application/vnd.oasis.opendocument.text"),
    "ods": ("OpenDocument spreadsheet", "application/vnd.oasis.opendocument.spreadsheet"),
    "odp": ("OpenDocument presentation", "application/vnd.oasis.opendocument.presentation"),
    "txt": ("Plain text", "text/plain"),
}


def human_size(size: int) -> str:
    """A file size as people read it: "2.4 MB", "312 KB", "900 bytes"."""
    if size >= MB:
        return f"{size / MB:.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} bytes"


def _own_portfolio(request, pk: int) -> Portfolio:
    try:
        return portfolio_for_owner(request.user, pk)
    except Portfolio.DoesNotExist:
        raise Http404("No such portfolio.") from None


def _render_library(request, portfolio, form, *, duplicate=None, status=200):
    items = evidence_library(portfolio)
    for item in items:
        item.type_label = FILE_TYPES.get(item.file_type, (item.file_type.upper(), ""))[0]
        item.size_label = human_size(item.size)
    used = sum(item.size for item in items)
    left = max(0, settings.PORTFOLIO_MAX_TOTAL_MB * MB - used)
    return render(
        request,
        "portfolios/evidence_library.html",
        {
            "portfolio": portfolio,
            "items": items,
            "form": form,
            "kinds": [(value, label, KIND_HELP[value]) for value, label in Evidence.Kind.choices],
            "duplicate": duplicate,
            "used_label": human_size(used),
            "left_label": human_size(left),
            "total_label": f"{settings.PORTFOLIO_MAX_TOTAL_MB} MB",
            "max_file_bytes": settings.PORTFOLIO_MAX_FILE_MB * MB,
            "max_file_label": f"{settings.PORTFOLIO_MAX_FILE_MB} MB",
            "space_left_bytes": left,
            "space_left_label": human_size(left),
        },
        status=status,
    )


@login_required
@require_GET
def library(request, pk):
    """The owner's files with the competencies citing each, the space left and the upload
    form."""
    portfolio = _own_portfolio(request, pk)
    return _render_library(request, portfolio, EvidenceUploadForm())


@csrf_exempt
@login_required
@require_POST
def upload(request, pk):
    """Add a file to the library. See the module docstring for why CSRF is checked inside."""
    portfolio = _own_portfolio(request, pk)
    handler = LimitedUploadHandler(
        request,
        max_file_bytes=settings.PORTFOLIO_MAX_FILE_MB * MB,
        max_total_bytes=services.space_left(portfolio),
    )
    request.upload_handlers = [handler]
    return _upload(request, portfolio, handler)


@csrf_protect
def _upload(request, portfolio, handler):
    request.POST  # noqa: B018 - read the body now, through the handler, before asking it
    if handler.refused:
        # The file was cut off; the fields sent before it are kept and shown again.
        form = EvidenceUploadForm(request.POST)
        form.is_valid()
        form.errors.pop("file", None)
        form.add_error("file", handler.refused)
        return _render_library(request, portfolio, form, status=413)
    form = EvidenceUploadForm(request.POST, request.FILES)
    duplicate = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            evidence = services.evidence_add(
                portfolio,
                upload=data["file"],
                title=data["title"],
                kind=data["kind"],
                description=data["description"],
                by=request.user,
            )
        except services.DuplicateEvidence as error:
            duplicate = error.existing
            form.add_error(
                "file",
                f"This file is already uploaded as “{duplicate.title}” — it is in your "
                "library; attach it to competencies from the competency pages.",
            )
        except ValidationError as error:
            form.add_error("file", error.messages)
        except DomainError as error:
            form.add_error("file", str(error))
        else:
            messages.success(request, f"“{evidence.title}” is now in your evidence library.")
            return redirect(reverse("portfolios:evidence", args=[portfolio.pk]))
    return _render_library(request, portfolio, form, duplicate=duplicate)


@login_required
@require_http_methods(["GET", "POST"])
def remove(request, pk, evidence_pk):
    """A confirm page (GET) that says what removing does; POST deletes the file from the
    library. Files in a submitted round stay."""
    portfolio = _own_portfolio(request, pk)
    try:
        evidence = portfolio.evidence.prefetch_related("responses__competency").get(pk=evidence_pk)
    except Evidence.DoesNotExist:
        raise Http404("No such file.") from None
    if request.method == "GET":
        return render(
            request,
            "portfolios/evidence_remove.html",
            {"portfolio": portfolio, "item": evidence, "cited_by": list(evidence.responses.all())},
        )
    try:
        services.evidence_remove(evidence, by=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"“{evidence.title}” was removed from your library.")
    return redirect("portfolios:evidence", pk=portfolio.pk)


@login_required
@require_GET
def download(request, evidence_pk):
    """The file as a download, for its owner and program staff only."""
    try:
        evidence = evidence_visible_to(request.user).get(pk=evidence_pk)
    except Evidence.DoesNotExist:
        raise Http404("No such file.") from None
    return private_file_response(
        evidence.file,
        filename=evidence.original_name,
        content_type=FILE_TYPES.get(evidence.file_type, ("", "application/octet-stream"))[1],
    )
