"""FILE_STORAGE=s3: private files go to the bucket and are handed out only through short-lived
signed URLs. An S3 server (moto) runs in the test process; the site runs in a subprocess
configured from the environment exactly as on a server."""

import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
from moto.server import ThreadedMotoServer

ROOT = Path(__file__).resolve().parents[2]
BUCKET = "lssc-private"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}

SAVE_AND_SIGN = """
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
name = default_storage.save("proofs/transcript.txt", ContentFile(b"Transcript: 3 credits"))
print("name=" + name)
print("url=" + default_storage.url(name))
"""
SAVE_TWICE = """
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
print("first=" + default_storage.save("proofs/transcript.txt", ContentFile(b"first")))
print("second=" + default_storage.save("proofs/transcript.txt", ContentFile(b"second")))
"""


@pytest.fixture(scope="module")
def s3_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    try:
        yield endpoint
    finally:
        server.stop()


@pytest.fixture
def bucket(s3_endpoint):
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    client.create_bucket(Bucket=BUCKET)
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def run_site_code(code: str, endpoint: str) -> dict[str, str]:
    """Run `code` in `manage.py shell` with the site configured for S3; return the
    `key=value` lines it printed."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("AWS_") and name not in {"FILE_STORAGE", "PRIVATE_MEDIA_ROOT"}
    }
    env.update(
        CREDENTIALS,
        DEBUG="1",
        FILE_STORAGE="s3",
        AWS_STORAGE_BUCKET_NAME=BUCKET,
        AWS_S3_ENDPOINT_URL=endpoint,
        AWS_S3_ADDRESSING_STYLE="path",
        AWS_S3_REGION_NAME="us-east-1",
        # Never read a developer's own AWS configuration.
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = [line.partition("=") for line in result.stdout.splitlines() if "=" in line]
    return {key: value for key, _, value in lines}


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - our own server
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_private_file_is_stored_in_the_bucket_and_served_only_through_a_signed_url(
    s3_endpoint, bucket
):
    printed = run_site_code(SAVE_AND_SIGN, s3_endpoint)
    name, url = printed["name"], printed["url"]

    assert name == "proofs/transcript.txt"
    stored = bucket.get_object(Bucket=BUCKET, Key=name)
    assert stored["Body"].read() == b"Transcript: 3 credits"
    # No public-read ACL was set on the object.
    grants = bucket.get_object_acl(Bucket=BUCKET, Key=name)["Grants"]
    assert [g["Grantee"].get("URI") for g in grants if g["Grantee"]["Type"] == "Group"] == []

    signed = urlsplit(url)
    query = parse_qs(signed.query)
    assert f"{signed.scheme}://{signed.netloc}{signed.path}" == f"{s3_endpoint}/{BUCKET}/{name}"
    # A version 4 signature (the only kind new AWS buckets accept), valid for 300 seconds.
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    assert query["X-Amz-Expires"] == ["300"]
    assert query["X-Amz-Signature"]
    assert fetch(url) == (200, b"Transcript: 3 credits")

    status, _ = fetch(f"{s3_endpoint}/{BUCKET}/{name}")
    assert status == 403


def test_a_second_upload_with_the_same_name_does_not_overwrite_the_first(s3_endpoint, bucket):
    printed = run_site_code(SAVE_TWICE, s3_endpoint)
    first, second = printed["first"], printed["second"]

    assert first == "proofs/transcript.txt"
    assert second != first
    assert second.startswith("proofs/transcript_")
    keys = [item["Key"] for item in bucket.list_objects_v2(Bucket=BUCKET)["Contents"]]
    assert sorted(keys) == sorted([first, second])
    assert bucket.get_object(Bucket=BUCKET, Key=first)["Body"].read() == b"first"


def test_a_private_file_on_s3_is_handed_out_as_a_short_lived_signed_download(
    s3_endpoint, bucket, settings
):
    """The access-checked views redirect to a signed URL that makes the browser download the
    file under its proper name; the bytes never pass through the web process."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from candidates.models import Candidacy
    from lssc.core.files import private_file_response

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_endpoint,
                "region_name": "us-east-1",
                "access_key": "testing",
                "secret_key": "testing",
                "addressing_style": "path",
                "signature_version": "s3v4",
                "default_acl": None,
                "querystring_expire": 300,
                "file_overwrite": False,
            },
        },
    }
    settings.AWS_QUERYSTRING_EXPIRE = 300
    name = default_storage.save("letters/x.pdf", ContentFile(b"%PDF-1.7"))
    candidacy = Candidacy(acceptance_letter=name)

    response = private_file_response(
        candidacy.acceptance_letter,
        filename="acceptance-LSSC-1.pdf",
        content_type="application/pdf",
    )

    assert response.status_code == 302
    query = parse_qs(urlsplit(response.url).query)
    assert query["X-Amz-Expires"] == ["300"]
    assert query["response-content-disposition"] == ['attachment; filename="acceptance-LSSC-1.pdf"']
    assert response["X-Content-Type-Options"] == "nosniff"
    status, body = fetch(response.url)
    assert (status, body) == (200, b"%PDF-1.7")
