"""Checking uploaded files by what they contain, not by what their names say.

Every upload form uses `check_upload`: it refuses files over the size limit and files whose
first bytes are not one of the allowed kinds, and renames the rest to their true type, so a
PNG called `proof.pdf` is stored as `.png` and never served as something it is not.
"""

from __future__ import annotations

import zipfile

from django import forms
from django.core.files.uploadhandler import StopUpload, TemporaryFileUploadHandler

MAX_UPLOAD_BYTES = 10 * 1024 * 1024

# kind -> (extension, how people call it)
KINDS = {
    "pdf": ("pdf", "PDF"),
    "jpeg": ("jpg", "JPEG"),
    "png": ("png", "PNG"),
    "doc": ("doc", "Word"),
    "docx": ("docx", "Word"),
    "xlsx": ("xlsx", "Excel"),
    "pptx": ("pptx", "PowerPoint"),
    "odt": ("odt", "OpenDocument text"),
    "ods": ("ods", "OpenDocument spreadsheet"),
    "odp": ("odp", "OpenDocument presentation"),
    "txt": ("txt", "plain text"),
}

_MAGIC = [
    (b"%PDF-", "pdf"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "doc"),  # legacy Office (OLE) files
]
_ZIP_MAGIC = b"PK\x03\x04"  # Office and OpenDocument files are zip archives
# A member that only one kind of archive has -> kind
_OFFICE_PARTS = {
    "word/document.xml": "docx",
    "xl/workbook.xml": "xlsx",
    "ppt/presentation.xml": "pptx",
}
_OPENDOCUMENT_TYPES = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
    b"application/vnd.oasis.opendocument.presentation": "odp",
}
# Kinds that are never zip archives: one that also reads as an archive is a polyglot.
_NOT_ARCHIVES = {"pdf", "jpeg", "png", "doc", "txt"}


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
                for part, kind in _OFFICE_PARTS.items():
                    if part in names:
                        return kind
                if "mimetype" in names:
                    return _OPENDOCUMENT_TYPES.get(archive.read("mimetype").strip())
        except zipfile.BadZipFile:
            return None
        finally:
            upload.seek(0)
        return None
    return "txt" if _is_plain_text(upload) else None


def _is_plain_text(upload) -> bool:
    """UTF-8 text with no control characters other than tabs and line breaks."""
    upload.seek(0)
    sample = upload.read(64 * 1024)
    upload.seek(0)
    if not sample:
        return False
    try:
        text = sample.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < len(sample) - 4:  # not just a character cut by the sample's end
            return False
        text = sample[: error.start].decode("utf-8")
    return all(ch.isprintable() or ch in "\t\n\r\f" for ch in text)


def is_polyglot(upload, kind: str) -> bool:
    """A file that is one kind at its start and also a zip archive (a classic way to smuggle
    content past a type check)."""
    if kind not in _NOT_ARCHIVES:
        return False
    try:
        return zipfile.is_zipfile(upload)
    finally:
        upload.seek(0)


def _spoken_list(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" or {names[-1]}"


def check_upload(
    upload, *, allowed: tuple[str, ...], what: str, stem: str, max_bytes: int = MAX_UPLOAD_BYTES
):
    """Return `upload` renamed to `<stem>.<true extension>`, or raise ValidationError with
    a message that says what to do. `what` names the file for the person ("proof")."""
    if upload.size == 0:
        raise forms.ValidationError("This file is empty. Choose the file again and re-upload it.")
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
    if is_polyglot(upload, kind):
        raise forms.ValidationError(
            f"This file is a {KINDS[kind][1]} file with an archive hidden inside it. Save the "
            f"{what} again from the program that made it and upload the new copy."
        )
    upload.name = f"{stem}.{KINDS[kind][0]}"
    return upload


def clean_filename(name: str, *, limit: int = 120) -> str:
    """The last part of an uploaded file's name, stripped of paths and odd characters and
    cut to `limit` characters with its extension kept: never used to store the file, only
    to show people the name they know it by."""
    from django.utils.text import get_valid_filename

    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip(" .")
    try:
        base = get_valid_filename(base)
    except Exception:  # an empty or unusable name
        base = ""
    base = base or "file"
    if len(base) > limit:
        stem, dot, ext = base.rpartition(".")
        ext = ext[:10] if dot else ""
        keep = limit - (len(ext) + 1 if ext else 0)
        base = f"{(stem if dot else base)[:keep]}{'.' + ext if ext else ''}"
    return base


class LimitedUploadHandler(TemporaryFileUploadHandler):
    """Streams uploaded files to temporary files on disk (never whole into memory) and stops
    reading the request as soon as a file passes `max_file_bytes` or all files together pass
    `max_total_bytes`. The reason is left in `refused` for the view to show.

    Install it before the view first touches request.POST or request.FILES:
    `request.upload_handlers = [LimitedUploadHandler(request, ...)]`.
    """

    def __init__(self, request=None, *, max_file_bytes: int, max_total_bytes: int):
        super().__init__(request)
        self.max_file_bytes = max_file_bytes
        self.max_total_bytes = max_total_bytes
        self.file_bytes = 0
        self.total_bytes = 0
        self.too_long = False
        self.refused = ""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        # A body larger than everything we could accept (plus room for the form's other
        # fields) is refused before any of it is read.
        self.too_long = bool(content_length) and content_length > self.max_total_bytes + 256 * 1024
        return super().handle_raw_input(input_data, META, content_length, boundary, encoding)

    def _refuse(self, message: str):
        self.refused = message
        raise StopUpload(connection_reset=True)

    def new_file(self, *args, **kwargs):
        if self.too_long:
            self._refuse(self._total_message())
        self.file_bytes = 0
        return super().new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data, start):
        self.file_bytes += len(raw_data)
        self.total_bytes += len(raw_data)
        if self.file_bytes > self.max_file_bytes:
            self._refuse(
                f"This file is larger than {self.max_file_bytes // (1024 * 1024)} MB, the most "
                "one file may be. Upload a smaller file, or split it into parts."
            )
        if self.total_bytes > self.max_total_bytes:
            self._refuse(self._total_message())
        return super().receive_data_chunk(raw_data, start)

    def _total_message(self) -> str:
        return (
            f"This upload would take the portfolio past its space left "
            f"({self.max_total_bytes / (1024 * 1024):.1f} MB). Remove evidence you no longer "
            "need, or upload a smaller file."
        )
