"""Roster upload: parsing (pure), matching claims (service) and the provider's page."""

from __future__ import annotations

import csv
import io
import time
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from courses.models import CompletionStatusChange, CourseCompletion
from courses.roster import (
    MAX_ROWS,
    RosterRow,
    csv_safe,
    parse_roster,
    roster_apply,
    unmatched_csv,
)
from courses.services import completion_claim, completion_verify
from lssc.core.errors import DomainError
from tests.factories import (
    ProviderMembershipFactory,
    approved_course,
    candidacy_with_progress,
)

HEADER = "email,name,course,date\n"


def roster(*lines: str, header: str = HEADER) -> bytes:
    return (header + "".join(f"{line}\n" for line in lines)).encode()


# --- Parsing ------------------------------------------------------------------------------


def test_parse_reads_rows_with_columns_in_any_order_and_extra_columns_ignored():
    data = roster(
        "2026-03-01,Foundations,robin@example.org,Robin Reader,ignored",
        "3/1/2026,12,SAM@example.org,Sam Shelver,",
        header="Date, COURSE ,Email,Name,notes\n",
    )

    rows, errors = parse_roster(data)

    assert errors == []
    assert rows == [
        RosterRow(2, "robin@example.org", "Robin Reader", "Foundations", date(2026, 3, 1)),
        RosterRow(3, "SAM@example.org", "Sam Shelver", "12", date(2026, 3, 1)),
    ]


def test_parse_accepts_a_utf8_byte_order_mark_and_non_ascii_names():
    data = "\ufeffemail,name,course,date\nzoe@example.org,Zoë Müller,Fondation,2026-01-05\n"

    rows, errors = parse_roster(data.encode("utf-8"))

    assert errors == []
    assert [(r.email, r.name) for r in rows] == [("zoe@example.org", "Zoë Müller")]


def test_parse_refuses_wrong_columns_naming_the_missing_ones():
    rows, errors = parse_roster(roster("a@example.org,A,X", header="email,full name,course\n"))

    assert rows == []
    assert errors == [
        "Line 1: the first line must name the columns email, name, course and date (any "
        "order); name, date are missing. The line has “email”, “full name”, “course”."
    ]


def test_parse_refuses_semicolon_separated_files_with_a_hint():
    rows, errors = parse_roster(b"email;name;course;date\na@example.org;A;X;2026-01-01\n")

    assert rows == []
    assert errors == [
        "Line 1: the columns are separated by semicolons; the file must use commas. In your "
        "spreadsheet choose “Save as” → “CSV UTF-8 (comma delimited)”."
    ]


def test_parse_refuses_latin1_bytes_naming_the_line_and_the_encoding():
    data = (HEADER + "ok@example.org,Ok,X,2026-01-01\nrene@example.org,René,X,2026-01-01\n").encode(
        "latin-1"
    )

    rows, errors = parse_roster(data)

    assert rows == []
    assert errors == [
        "Line 3: the file is not UTF-8 (byte 0xE9 at character 21; it looks like Latin-1 or "
        "Windows-1252). In your spreadsheet choose “Save as” → “CSV UTF-8 (comma delimited)” "
        "and upload that file."
    ]


def test_parse_refuses_utf16_files():
    rows, errors = parse_roster((HEADER + "a@example.org,A,X,2026-01-01\n").encode("utf-16"))

    assert rows == []
    assert errors[0].startswith("The file is in UTF-16, not UTF-8.")


def test_parse_reports_bad_dates_emails_and_empty_cells_line_by_line():
    data = roster(
        "good@example.org,Good,X,2026-01-01",
        "bad-at-example.org,Bad,X,2026-01-01",
        "",
        "c@example.org,C,X,31/02/2025",
        "d@example.org,D,X,2025-02-29",
        "e@example.org,,,March 1",
    )

    rows, errors = parse_roster(data)

    assert rows == []
    assert errors == [
        "Line 3: “bad-at-example.org” is not an email address.",
        "Line 5: the date “31/02/2025” is not a real date.",
        "Line 6: the date “2025-02-29” is not a real date.",
        "Line 7: the name and course are empty; the date “March 1” is not written as "
        "YYYY-MM-DD (or M/D/YYYY).",
    ]


def test_parse_reports_an_unclosed_quote():
    rows, errors = parse_roster(roster('a@example.org,"Robin,X,2026-01-01'))

    assert rows == []
    assert errors == [
        "Line 2: the CSV cannot be read there (unexpected end of data). Check for a quotation "
        "mark that is not closed."
    ]


def test_parse_counts_duplicate_rows_once_and_notes_where_they_repeat():
    data = roster(
        "a@example.org,A,Foundations,2026-01-01",
        "b@example.org,B,Foundations,2026-01-01",
        "A@EXAMPLE.ORG,A again,foundations,1/1/2026",
    )

    rows, errors = parse_roster(data)

    assert errors == []
    assert [(r.line, r.email, r.repeated_on) for r in rows] == [
        (2, "a@example.org", (4,)),
        (3, "b@example.org", ()),
    ]


def test_parse_keeps_formula_cells_as_plain_text():
    data = roster("a@example.org,=cmd|' /C calc'!A0,@SUM(1+1),2026-01-01")

    rows, errors = parse_roster(data)

    assert errors == []
    assert (rows[0].name, rows[0].course) == ("=cmd|' /C calc'!A0", "@SUM(1+1)")


def test_parse_refuses_100000_rows_quickly_with_one_message():
    data = roster(*["person@example.org,Pat Person,Foundations,2026-01-01"] * 100_000)

    started = time.perf_counter()
    rows, errors = parse_roster(data)
    elapsed = time.perf_counter() - started

    assert rows == []
    assert errors == [
        "The file is 5.1 MB; the limit is 2.0 MB (about 5,000 rows). Split it into smaller "
        "files and upload each one."
    ]
    assert elapsed < 1  # refused from its size, without parsing a line


def test_parse_refuses_more_rows_than_the_limit_even_under_the_size_limit():
    rows, errors = parse_roster(roster(*["a@b.co,A,X,2026-01-01"] * (MAX_ROWS + 1)))

    assert rows == []
    assert errors == [
        "The file has more than 5,000 rows. Split it into files of at most 5,000 rows and "
        "upload each one."
    ]


def test_parse_lists_at_most_100_errors_then_counts_the_rest():
    rows, errors = parse_roster(roster(*["not-an-email,A,X,2026-01-01"] * 150))

    assert rows == []
    assert len(errors) == 101
    assert errors[-1] == "… and 50 more problems. Fix these first."


def test_parse_refuses_an_empty_file_and_a_header_without_rows():
    assert parse_roster(b"")[1][0].startswith("The file is empty.")
    assert parse_roster(HEADER.encode()) == (
        [],
        ["The file has a header but no completions below it."],
    )


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_csv_safe_prefixes_formula_like_cells_with_a_quote(cell):
    assert csv_safe(cell) == "'" + cell


def test_csv_safe_leaves_ordinary_text_alone():
    assert [csv_safe(v) for v in ["Robin", "a=b", "", None, 12]] == ["Robin", "a=b", "", "", "12"]


def test_unmatched_csv_escapes_formula_cells():
    text = unmatched_csv(
        [
            {
                "line": 2,
                "email": "a@example.org",
                "name": "=cmd|' /C calc'!A0",
                "course": "+Course",
                "date": "2026-01-01",
                "reason": "no candidate with this email claimed this course",
            }
        ]
    )

    assert list(csv.reader(io.StringIO(text))) == [
        ["line", "email", "name", "course", "date", "reason"],
        [
            "2",
            "a@example.org",
            "'=cmd|' /C calc'!A0",
            "'+Course",
            "2026-01-01",
            "no candidate with this email claimed this course",
        ],
    ]


# --- Matching claims ----------------------------------------------------------------------


@pytest.fixture
def course(provider_user, staff):
    provider = provider_user.provider_memberships.get().provider
    return approved_course(provider, by=provider_user, reviewer=staff, title="Foundations")


def claim(course, email, completed_on):
    candidacy = candidacy_with_progress(user__email=email)
    return completion_claim(
        candidacy, course=course, completed_on=completed_on, proof=None, by=candidacy.user
    )


def row(line, email, course, completed_on, name="Someone"):
    return RosterRow(line, email, name, course, completed_on)


def test_roster_apply_confirms_matching_claims_and_lists_the_rest(provider_user, course, staff):
    day = timezone.localdate() - timedelta(days=10)
    robin = claim(course, "robin@example.org", day)
    sam = claim(course, "sam@example.org", day - timedelta(days=1))
    verified = claim(course, "vera@example.org", day)
    completion_verify(verified, by=staff)
    rows = [
        row(2, "Robin@Example.org", "foundations", day),
        row(3, "sam@example.org", str(course.pk), day),
        row(4, "nobody@example.org", "Foundations", day),
        row(5, "robin@example.org", "Unknown course", day),
        row(6, "vera@example.org", "Foundations", day),
    ]

    result = roster_apply(course.provider, rows, by=provider_user)

    assert [(o.row.line, o.completion.pk) for o in result.confirmed] == [(2, robin.pk)]
    assert [(o.row.line, o.reason) for o in result.unmatched] == [
        (3, f"date differs from the claim (claimed {sam.completed_on:%Y-%m-%d})"),
        (4, "no candidate with this email claimed this course"),
        (5, f"no course of {course.provider.name} has this title or number"),
    ]
    assert [(o.row.line, o.completion.pk) for o in result.already] == [(6, verified.pk)]
    robin.refresh_from_db()
    sam.refresh_from_db()
    assert robin.confirmed_by_provider_at is not None
    assert robin.status == CourseCompletion.Status.SUBMITTED  # staff still verify
    assert sam.confirmed_by_provider_at is None
    assert list(
        CompletionStatusChange.objects.filter(completion=robin).values_list("note", "actor")
    ) == [("", robin.candidacy.user_id), ("Confirmed by the provider.", provider_user.pk)]


def test_roster_apply_twice_confirms_once_and_reports_already(provider_user, course):
    day = timezone.localdate() - timedelta(days=3)
    robin = claim(course, "robin@example.org", day)
    rows = [row(2, "robin@example.org", "Foundations", day)]
    roster_apply(course.provider, rows, by=provider_user)

    again = roster_apply(course.provider, rows, by=provider_user)

    assert (again.confirmed, [o.completion.pk for o in again.already]) == ([], [robin.pk])
    assert CompletionStatusChange.objects.filter(completion=robin).count() == 2


def test_roster_apply_refuses_a_member_of_another_provider(course):
    day = timezone.localdate() - timedelta(days=3)
    robin = claim(course, "robin@example.org", day)
    stranger = ProviderMembershipFactory().user

    with pytest.raises(DomainError, match="Only members of"):
        roster_apply(
            course.provider, [row(2, "robin@example.org", "Foundations", day)], by=stranger
        )

    robin.refresh_from_db()
    assert robin.confirmed_by_provider_at is None


def test_roster_apply_ignores_claims_on_other_providers_courses(provider_user, course, staff):
    other_member = ProviderMembershipFactory().user
    other_provider = other_member.provider_memberships.get().provider
    day = timezone.localdate() - timedelta(days=3)
    robin = claim(course, "robin@example.org", day)

    result = roster_apply(
        other_provider, [row(2, "robin@example.org", "Foundations", day)], by=other_member
    )

    assert [o.reason for o in result.unmatched] == [
        f"no course of {other_provider.name} has this title or number"
    ]
    robin.refresh_from_db()
    assert robin.confirmed_by_provider_at is None


# --- The page -----------------------------------------------------------------------------

URL = "/provider/roster/"


def upload(client, data: bytes, **extra):
    return client.post(
        URL, {"file": SimpleUploadedFile("roster.csv", data, "text/csv"), **extra}, follow=True
    )


def test_roster_urls():
    assert reverse("roster:upload") == URL
    assert reverse("roster:result") == "/provider/roster/result/"
    assert reverse("roster:unmatched_csv") == "/provider/roster/unmatched.csv"
    assert reverse("roster:template_csv") == "/provider/roster/template.csv"


def test_upload_page_shows_the_form_with_one_organisation_preselected(client, provider_user):
    client.force_login(provider_user)

    response = client.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert 'type="file"' in html
    assert (
        f'<input type="hidden" name="provider" value="{provider_user.provider_memberships.get().provider_id}"'
        in html
    )
    assert 'href="/provider/roster/template.csv"' in html


def test_member_of_two_organisations_chooses_one(client, provider_user):
    ProviderMembershipFactory(user=provider_user, provider__name="Aardvark County Library")
    client.force_login(provider_user)

    html = client.get(URL).content.decode()

    assert '<select name="provider"' in html
    assert "Aardvark County Library" in html


def test_template_download_is_a_csv_with_the_columns(client, provider_user):
    client.force_login(provider_user)

    response = client.get("/provider/roster/template.csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="roster-template.csv"'
    rows, errors = parse_roster(response.content)
    assert (len(rows), errors) == (2, [])


def test_good_upload_confirms_and_shows_unmatched_with_an_escaped_download(
    client, provider_user, course
):
    day = timezone.localdate() - timedelta(days=5)
    robin = claim(course, "robin@example.org", day)
    client.force_login(provider_user)
    data = roster(
        f"robin@example.org,Robin Reader,Foundations,{day:%Y-%m-%d}",
        f"robin@example.org,Robin Reader,Foundations,{day:%Y-%m-%d}",
        f"eve@example.org,=cmd|' /C calc'!A0,Foundations,{day:%Y-%m-%d}",
    )

    response = upload(client, data)

    assert response.redirect_chain == [("/provider/roster/result/", 302)]
    html = response.content.decode()
    assert "1 completion confirmed, 0 already confirmed, 1 not matched." in html
    assert "Line 3 repeats line 2." in html
    assert "=cmd|&#x27; /C calc&#x27;!A0" in html  # shown as text, escaped for HTML
    robin.refresh_from_db()
    assert robin.confirmed_by_provider_at is not None
    download = client.get("/provider/roster/unmatched.csv")
    assert download["Content-Disposition"] == 'attachment; filename="roster-unmatched.csv"'
    assert list(csv.reader(io.StringIO(download.content.decode("utf-8-sig")))) == [
        ["line", "email", "name", "course", "date", "reason"],
        [
            "4",
            "eve@example.org",
            "'=cmd|' /C calc'!A0",
            "Foundations",
            f"{day:%Y-%m-%d}",
            "no candidate with this email claimed this course",
        ],
    ]


def test_malformed_upload_lists_each_line_and_confirms_nothing(client, provider_user, course):
    day = timezone.localdate() - timedelta(days=5)
    robin = claim(course, "robin@example.org", day)
    client.force_login(provider_user)
    data = roster(
        f"robin@example.org,Robin Reader,Foundations,{day:%Y-%m-%d}",
        "sam@example.org,Sam,Foundations,31/02/2025",
        "nope,Nope,Foundations,2026-01-01",
    )

    response = upload(client, data)

    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was confirmed: the file has 2 problems." in html
    assert "Line 3: the date “31/02/2025” is not a real date." in html
    assert "Line 4: “nope” is not an email address." in html
    robin.refresh_from_db()
    assert robin.confirmed_by_provider_at is None
    assert "roster_result" not in client.session


def test_upload_of_100000_rows_is_refused_with_one_message(client, provider_user, course):
    day = timezone.localdate() - timedelta(days=5)
    robin = claim(course, "robin@example.org", day)
    client.force_login(provider_user)
    data = roster(*[f"robin@example.org,Robin Reader,Foundations,{day:%Y-%m-%d}"] * 100_000)

    response = upload(client, data)

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "file": [
            "The file is 5.1 MB; the limit is 2 MB (about 5,000 rows). Split it into smaller "
            "files and upload each one."
        ]
    }
    robin.refresh_from_db()
    assert robin.confirmed_by_provider_at is None


def test_latin1_upload_names_the_encoding(client, provider_user, course):
    client.force_login(provider_user)

    response = upload(client, (HEADER + "rene@example.org,René,X,2026-01-01\n").encode("cp1252"))

    assert response.status_code == 400
    assert "the file is not UTF-8 (byte 0xE9" in response.content.decode()


def test_member_of_another_provider_cannot_confirm_this_providers_claims(client, course):
    day = timezone.localdate() - timedelta(days=5)
    robin = claim(course, "robin@example.org", day)
    stranger = ProviderMembershipFactory().user
    client.force_login(stranger)
    data = roster(f"robin@example.org,Robin,Foundations,{day:%Y-%m-%d}")

    forged = upload(client, data, provider=course.provider_id)
    own = upload(client, data)

    assert "provider" in forged.context["form"].errors
    assert "0 completions confirmed, 0 already confirmed, 1 not matched." in own.content.decode()
    robin.refresh_from_db()
    assert robin.confirmed_by_provider_at is None


def test_result_without_an_upload_goes_back_to_the_form(client, provider_user):
    client.force_login(provider_user)

    assert client.get("/provider/roster/result/").url == URL
    assert client.get("/provider/roster/unmatched.csv").url == URL


@pytest.mark.parametrize("path", [URL, "/provider/roster/result/", "/provider/roster/template.csv"])
def test_roster_pages_send_anonymous_visitors_to_log_in(client, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("persona", ["outsider", "candidate", "staff"])
def test_roster_pages_refuse_users_who_are_not_provider_members(client, request, persona):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(URL).status_code == 403
    assert client.post(URL).status_code == 403


@pytest.mark.parametrize("path", ["/provider/roster/result/", "/provider/roster/template.csv"])
def test_roster_downloads_refuse_post(client, provider_user, path):
    client.force_login(provider_user)

    assert client.post(path).status_code == 405
