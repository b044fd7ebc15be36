"""The upload handler streams files to disk and stops reading once a limit is passed."""

import io

from django.core.files.uploadedfile import TemporaryUploadedFile
from django.test import RequestFactory
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from lssc.core.uploads import LimitedUploadHandler


class CountingStream(io.BytesIO):
    """A request body that remembers how much of it was read."""

    def __init__(self, data):
        super().__init__(data)
        self.bytes_read = 0

    def read(self, size=-1):
        chunk = super().read(size)
        self.bytes_read += len(chunk)
        return chunk


def upload_request(payload: bytes, *, max_file_bytes, max_total_bytes, lie_about_length=False):
    file = io.BytesIO(payload)
    file.name = "evidence.pdf"
    body = encode_multipart(BOUNDARY, {"title": "Log", "file": file})
    request = RequestFactory().generic("POST", "/upload/", body, content_type=MULTIPART_CONTENT)
    stream = CountingStream(body)
    request._stream = stream
    if lie_about_length:
        request.META["CONTENT_LENGTH"] = "1000"
    handler = LimitedUploadHandler(
        request, max_file_bytes=max_file_bytes, max_total_bytes=max_total_bytes
    )
    request.upload_handlers = [handler]
    return request, handler, stream, len(body)


def test_a_file_within_the_limits_arrives_as_a_temporary_file_on_disk():
    request, handler, _, _ = upload_request(
        b"%PDF-" + b"0" * 300_000, max_file_bytes=1_000_000, max_total_bytes=5_000_000
    )
    upload = request.FILES["file"]
    assert isinstance(upload, TemporaryUploadedFile)  # never held whole in memory
    assert upload.size == 300_005
    assert request.POST["title"] == "Log"
    assert handler.refused == ""


def test_an_oversized_file_is_cut_off_while_streaming():
    request, handler, stream, total = upload_request(
        b"%PDF-" + b"0" * 3_000_000,
        max_file_bytes=1024 * 1024,
        max_total_bytes=50_000_000,
        lie_about_length=True,  # a client that hides the real size
    )
    assert "file" not in request.FILES
    assert handler.refused == (
        "This file is larger than 1 MB, the most one file may be. Upload a smaller file, or "
        "split it into parts."
    )
    # Reading stopped within a chunk (64 KB) of the limit, long before the end of the body.
    assert stream.bytes_read < 1024 * 1024 + 200_000 < total


def test_a_body_larger_than_the_space_left_is_refused_before_the_file_is_read():
    request, handler, stream, total = upload_request(
        b"%PDF-" + b"0" * 2_000_000, max_file_bytes=50_000_000, max_total_bytes=100_000
    )
    assert "file" not in request.FILES
    assert "past its space left" in handler.refused
    assert stream.bytes_read < 200_000 < total
