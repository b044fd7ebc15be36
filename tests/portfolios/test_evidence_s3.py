"""With S3 storage, evidence uploaded through the real view lands in the private bucket and
is handed out only as a short-lived signed download after the access check. The S3 server is
moto, running in the test process (see tests/core/test_storage_s3.py)."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portfolios.models import Evidence
from tests.core.test_storage_s3 import BUCKET, bucket, fetch, s3_endpoint  # noqa: F401 - fixtures
from tests.factories import SMALL_PDF
from tests.portfolios.test_evidence_pages import owner, portfolio  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


@pytest.fixture
def s3_storage(settings, s3_endpoint, bucket):  # noqa: F811 - fixtures imported above
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
    return bucket


def test_evidence_uploaded_with_s3_is_private_and_downloaded_through_a_signed_url(
    client,
    owner,  # noqa: F811
    portfolio,  # noqa: F811
    s3_storage,
    s3_endpoint,  # noqa: F811
    private_storage,
    other_candidate,
):
    client.force_login(owner)
    response = client.post(
        reverse("portfolios:evidence_upload", args=[portfolio.pk]),
        {
            "title": "Cataloguing log",
            "kind": "primary",
            "description": "",
            "file": SimpleUploadedFile("My log.pdf", SMALL_PDF),
        },
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get()

    # In the bucket, not on the local disk.
    stored = s3_storage.get_object(Bucket=BUCKET, Key=evidence.file.name)
    assert stored["Body"].read() == SMALL_PDF
    assert not private_storage.exists() or list(private_storage.rglob("*.pdf")) == []
    # Not publicly readable: no group grant, and an unsigned request is refused.
    grants = s3_storage.get_object_acl(Bucket=BUCKET, Key=evidence.file.name)["Grants"]
    assert [g for g in grants if g["Grantee"]["Type"] == "Group"] == []
    assert fetch(f"{s3_endpoint}/{BUCKET}/{evidence.file.name}")[0] == 403

    download = client.get(reverse("portfolios:evidence_download", args=[evidence.pk]))

    assert download.status_code == 302
    assert download["X-Content-Type-Options"] == "nosniff"
    signed = urlsplit(download.url)
    query = parse_qs(signed.query)
    assert f"{signed.scheme}://{signed.netloc}{signed.path}" == (
        f"{s3_endpoint}/{BUCKET}/{evidence.file.name}"
    )
    assert query["X-Amz-Expires"] == ["300"]
    assert query["response-content-disposition"] == ['attachment; filename="My_log.pdf"']
    assert fetch(download.url) == (200, SMALL_PDF)

    # The access check comes first: someone else gets no URL at all.
    client.force_login(other_candidate)
    assert (
        client.get(reverse("portfolios:evidence_download", args=[evidence.pk])).status_code == 404
    )
