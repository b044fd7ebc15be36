"""Uploads are judged by their content: the shared checker every upload form uses."""

import io
import zipfile

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile

from lssc.core.uploads import check_upload, clean_filename, sniff


def zipped(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (b"%PDF-1.7 ...", "pdf"),
        (b"\xff\xd8\xff\xe0 jpeg", "jpeg"),
        (b"\x89PNG\r\n\x1a\n....", "png"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 old word", "doc"),
        (zipped({"word/document.xml": b"<w/>"}), "docx"),
        (zipped({"mimetype": b"application/vnd.oasis.opendocument.text"}), "odt"),
        (zipped({"something.txt": b"x"}), None),
        (b"PK\x03\x04 not really a zip", None),
        (b"<html>%PDF-</html>", "txt"),  # text, whatever it contains
        (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00", None),  # a Windows program
        (zipped({"xl/workbook.xml": b"<w/>"}), "xlsx"),
        (zipped({"ppt/presentation.xml": b"<p/>"}), "pptx"),
        (zipped({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}), "ods"),
        ("Notes: café ☕\n".encode(), "txt"),
    ],
)
def test_sniff_names_what_a_file_really_is(content, kind):
    assert sniff(SimpleUploadedFile("whatever.bin", content)) == kind


def test_a_file_is_renamed_to_its_true_type():
    upload = SimpleUploadedFile("diploma.pdf", b"\x89PNG\r\n\x1a\n....")
    checked = check_upload(upload, allowed=("pdf", "png"), what="proof", stem="proof")
    assert checked.name == "proof.png"


def test_a_file_of_another_kind_is_refused_with_what_to_do():
    upload = SimpleUploadedFile("cv.pdf", b"just text")
    with pytest.raises(forms.ValidationError) as error:
        check_upload(upload, allowed=("pdf", "doc", "docx"), what="résumé", stem="resume")
    assert error.value.messages == [
        "This file is not a PDF or Word file, whatever its name says. Save the résumé as PDF "
        "or Word and upload it again."
    ]


def test_a_file_over_the_limit_is_refused_with_its_size():
    one_mb = 1024 * 1024
    upload = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * one_mb)
    with pytest.raises(forms.ValidationError) as error:
        check_upload(upload, allowed=("pdf",), what="proof", stem="proof", max_bytes=one_mb)
    assert error.value.messages == ["This file is 1.0 MB; upload one of 1 MB or less."]


def test_a_program_renamed_pdf_is_refused():
    upload = SimpleUploadedFile("report.pdf", b"MZ\x90\x00\x03" + b"\x00" * 100)
    with pytest.raises(forms.ValidationError, match="not a PDF file"):
        check_upload(upload, allowed=("pdf",), what="proof", stem="proof")


def test_a_pdf_with_an_archive_inside_is_refused():
    upload = SimpleUploadedFile("report.pdf", b"%PDF-1.7\n" + zipped({"x.txt": b"hidden"}))
    with pytest.raises(forms.ValidationError, match="archive hidden inside it"):
        check_upload(upload, allowed=("pdf",), what="proof", stem="proof")


def test_an_empty_file_is_refused():
    with pytest.raises(forms.ValidationError, match="This file is empty"):
        check_upload(SimpleUploadedFile("a.pdf", b""), allowed=("pdf",), what="proof", stem="p")


@pytest.mark.parametrize(
    ("name", "cleaned"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\win.ini", "win.ini"),
        ("my report (final).pdf", "my_report_final.pdf"),
        ("x" * 300 + ".pdf", "x" * 116 + ".pdf"),
        ("..", "file"),
    ],
)
def test_file_names_are_cleaned_for_display(name, cleaned):
    assert clean_filename(name) == cleaned
