"""Checking uploaded files by what they contain, not by what their names say.

Every upload form uses `check_upload`: it refuses files over the size limit and files whose
first bytes are not one of the allowed kinds, and renames the rest to their true type, so a
PNG called `proof.pdf` is stored as `.png` and never served as something it is not.
"""

from __future__ import annotations

import zipfile

from django import forms

MAX_UPLOAD_BYTES = 10 * 1024 * 1024

# kind -> (extension, how people call it)
KINDS = {
    "pdf": ("pdf", "PDF"),
    "jpeg": ("jpg", "JPEG"),
    "png": ("png", "PNG"),
    "doc": ("doc", "Word"),
    "docx": ("docx", "Word"),
    "odt": ("odt", "OpenDocument text"),
}

_MAGIC = [
    (b"%PDF-", "pdf"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "doc"),  # legacy Office (OLE) files
]
_ZIP_MAGIC = b"PK\x03\x04"  # .docx and .odt are zip archives
_ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


def sniff(upload) -> str | None:
    """The kind of file `upload` really is (a key of KINDS), or None."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    if head.startswith(_ZIP_MAGIC):
        try:
            with zipfile.ZipFile(upload) as archive:
                names = set(archive.namelist())
                if "word/document.xml" in names:
                    return "docx"
                if "mimetype" in names and archive.read("mimetype").strip() == _ODT_MIMETYPE:
                    return "odt"
        except zipfile.BadZipFile:
            return None
        finally:
            upload.seek(0)
    return None


def _spoken_list(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" or {names[-1]}"


def check_upload(
    upload, *, allowed: tuple[str, ...], what: str, stem: str, max_bytes: int = MAX_UPLOAD_BYTES
):
    """Return `upload` renamed to `<stem>.<true extension>`, or raise ValidationError with
    a message that says what to do. `what` names the file for the person ("proof")."""
    if upload.size > max_bytes:
        raise forms.ValidationError(
            f"This file is {upload.size / 1024 / 1024:.1f} MB; upload one of "
            f"{max_bytes // (1024 * 1024)} MB or less."
        )
    kind = sniff(upload)
    if kind not in allowed:
        listed = _spoken_list(list(dict.fromkeys(KINDS[k][1] for k in allowed)))
        raise forms.ValidationError(
            f"This file is not a {listed} file, whatever its name says. Save the {what} as "
            f"{listed} and upload it again."
        )
    upload.name = f"{stem}.{KINDS[kind][0]}"
    return upload
