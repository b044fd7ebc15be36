"""Handing out private files (proofs, letters, portfolio evidence) after an access check.

Callers check access first; this module only decides how the bytes travel. With local
storage the file is streamed by the view; with S3 the browser is redirected to a signed URL
that expires after AWS_QUERYSTRING_EXPIRE seconds. Either way the file arrives as a
download, never rendered inline, and never guessed as another type.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponseRedirect


def private_file_response(
    field_file: FieldFile, *, filename: str, content_type: str
) -> FileResponse | HttpResponseRedirect:
    """A download of `field_file` under `filename`; 404 when there is no file."""
    if not field_file:
        raise Http404("There is no file here.")
    storage = field_file.storage
    disposition = f'attachment; filename="{filename}"'
    if not isinstance(storage, FileSystemStorage):
        url = storage.url(
            field_file.name,
            parameters={
                "ResponseContentDisposition": disposition,
                "ResponseContentType": content_type,
            },
            expire=getattr(settings, "AWS_QUERYSTRING_EXPIRE", 300),
        )
        response = HttpResponseRedirect(url)
    else:
        try:
            handle = field_file.open("rb")
        except FileNotFoundError:
            raise Http404("The file is missing.") from None
        response = FileResponse(
            handle, as_attachment=True, filename=filename, content_type=content_type
        )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
