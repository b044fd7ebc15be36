"""Roster upload: a provider's CSV of completions that confirms its candidates' claims.

`parse_roster` is pure (no database): it reads the bytes, checks them line by line and returns
the rows or the errors, never both, so a malformed file changes nothing. `roster_apply` matches
the rows to open claims on the provider's own courses in one transaction.

Cells are only ever text: nothing here evaluates them, and every CSV this module writes escapes
cells a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, carriage return).
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower

from courses.models import Course, CourseCompletion, Provider
from courses.services import completion_provider_confirm
from lssc.core.errors import DomainError

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
MAX_ERRORS = 100
MAX_CELL = 300
COLUMNS = ("email", "name", "course", "date")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TEMPLATE_ROWS = [
    ("robin.reader@example.org", "Robin Reader", "Foundations of Library Services", "2026-03-01"),
    ("sam.shelver@example.org", "Sam Shelver", "12", "3/15/2026"),
]


@dataclass(frozen=True)
class RosterRow:
    """One completion from the file; `line` is its line number in the file (the header is 1)."""

    line: int
    email: str
    name: str
    course: str
    completed_on: date
    # Lines further down the file that repeat this row; the completion is counted once.
    repeated_on: tuple[int, ...] = ()


@dataclass(frozen=True)
class RosterOutcome:
    row: RosterRow
    completion: CourseCompletion | None = None
    reason: str = ""


@dataclass
class RosterResult:
    confirmed: list[RosterOutcome] = field(default_factory=list)
    unmatched: list[RosterOutcome] = field(default_factory=list)
    already: list[RosterOutcome] = field(default_factory=list)


# --- Parsing (pure) -----------------------------------------------------------------------


def _size(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB" if n >= 1024 * 1024 else f"{max(1, n // 1024)} KB"


def _decode(data: bytes) -> tuple[str | None, list[str]]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, [
            "The file is in UTF-16, not UTF-8. In your spreadsheet choose “Save as” → "
            "“CSV UTF-8 (comma delimited)” and upload that file."
        ]
    if b"\x00" in data:
        return None, ["This is not a CSV text file (it contains binary data)."]
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    errors = []
    for number, raw in enumerate(data.split(b"\n"), start=1):
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as error:
            bad = raw[error.start : error.start + 1].hex().upper()
            errors.append(
                f"Line {number}: the file is not UTF-8 (byte 0x{bad} at character "
                f"{error.start + 1}; it looks like Latin-1 or Windows-1252). In your "
                "spreadsheet choose “Save as” → “CSV UTF-8 (comma delimited)” and upload that "
                "file."
            )
    return None, errors


def parse_date(value: str) -> date | None:
    """YYYY-MM-DD or M/D/YYYY; None when the text has neither form; ValueError when it has
    the form but is no real day (31 February)."""
    parts = None
    if value.count("-") == 2:
        year, month, day = value.split("-")
        if len(year) == 4:
            parts = (year, month, day)
    elif value.count("/") == 2:
        month, day, year = value.split("/")
        if len(year) == 4:
            parts = (year, month, day)
    if parts is None or not all(p.isdigit() and p.isascii() for p in parts):
        return None
    year, month, day = (int(p) for p in parts)
    return date(year, month, day)  # may raise ValueError


def _check_row(line: int, cells: dict[str, str], errors: list[str]) -> RosterRow | None:
    problems = []
    empty = [name for name in COLUMNS if not cells[name]]
    if empty:
        names = " and ".join(empty) if len(empty) <= 2 else ", ".join(empty)
        problems.append(f"the {names} {'is' if len(empty) == 1 else 'are'} empty")
    for name in COLUMNS:
        if len(cells[name]) > MAX_CELL:
            problems.append(f"the {name} is longer than {MAX_CELL} characters")
    email = cells["email"]
    if email:
        try:
            validate_email(email)
        except ValidationError:
            problems.append(f"“{email[:80]}” is not an email address")
    completed_on = None
    if cells["date"]:
        try:
            completed_on = parse_date(cells["date"])
            if completed_on is None:
                problems.append(
                    f"the date “{cells['date'][:40]}” is not written as YYYY-MM-DD (or M/D/YYYY)"
                )
        except ValueError:
            problems.append(f"the date “{cells['date'][:40]}” is not a real date")
    if problems:
        errors.append(f"Line {line}: " + "; ".join(problems) + ".")
        return None
    return RosterRow(
        line=line,
        email=email,
        name=cells["name"],
        course=cells["course"],
        completed_on=completed_on,
    )


def parse_roster(file_bytes: bytes) -> tuple[list[RosterRow], list[str]]:
    """Read a roster CSV: UTF-8 (a BOM is fine), a header naming email, name, course and date
    in any order and letter case (other columns are ignored), then one completion per line.

    Returns `(rows, [])` or `([], errors)`, each error naming its line. A file over
    `MAX_BYTES` or `MAX_ROWS` gets one error and is not read further. Rows repeating an
    earlier one (same email, course and date) are counted once and noted on the first row's
    `repeated_on`."""
    if len(file_bytes) > MAX_BYTES:
        return [], [
            f"The file is {_size(len(file_bytes))}; the limit is {_size(MAX_BYTES)} "
            f"(about {MAX_ROWS:,} rows). Split it into smaller files and upload each one."
        ]
    text, errors = _decode(file_bytes)
    if text is None:
        return [], _capped(errors)
    if not text.strip():
        return [], [
            "The file is empty. The first line must name the columns email, name, course and date."
        ]

    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[RosterRow] = []
    first_seen: dict[tuple, int] = {}
    repeats: dict[int, list[int]] = defaultdict(list)
    positions = None
    count = 0
    line = 0
    try:
        for record in reader:
            start, line = line + 1, reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if positions is None:
                positions, header_errors = _read_header(record, start)
                if header_errors:
                    return [], header_errors
                continue
            count += 1
            if count > MAX_ROWS:
                return [], [
                    f"The file has more than {MAX_ROWS:,} rows. Split it into files of at most "
                    f"{MAX_ROWS:,} rows and upload each one."
                ]
            cells = {
                name: (record[index].strip() if index < len(record) else "")
                for name, index in positions.items()
            }
            row = _check_row(start, cells, errors)
            if row is None:
                continue
            key = (row.email.lower(), row.course.casefold(), row.completed_on)
            if key in first_seen:
                repeats[first_seen[key]].append(start)
                continue
            first_seen[key] = len(rows)
            rows.append(row)
    except csv.Error as error:
        errors.append(
            f"Line {reader.line_num}: the CSV cannot be read there ({error}). Check for a "
            "quotation mark that is not closed."
        )
    if positions is None:
        return [], ["The file has no header line naming the columns email, name, course and date."]
    if errors:
        return [], _capped(errors)
    if not rows:
        return [], ["The file has a header but no completions below it."]
    for index, lines in repeats.items():
        rows[index] = RosterRow(**{**rows[index].__dict__, "repeated_on": tuple(lines)})
    return rows, []


def _read_header(record: list[str], line: int) -> tuple[dict[str, int] | None, list[str]]:
    names = [cell.strip().lstrip("\ufeff").lower() for cell in record]
    if len(names) == 1 and ";" in names[0]:
        return None, [
            f"Line {line}: the columns are separated by semicolons; the file must use commas. "
            "In your spreadsheet choose “Save as” → “CSV UTF-8 (comma delimited)”."
        ]
    doubled = sorted({n for n in names if n in COLUMNS and names.count(n) > 1})
    missing = [n for n in COLUMNS if n not in names]
    errors = []
    if missing:
        found = ", ".join(f"“{n}”" for n in names if n) or "nothing"
        errors.append(
            f"Line {line}: the first line must name the columns email, name, course and date "
            f"(any order); {', '.join(missing)} {'is' if len(missing) == 1 else 'are'} missing. "
            f"The line has {found[:200]}."
        )
    if doubled:
        errors.append(f"Line {line}: the column {', '.join(doubled)} appears more than once.")
    if errors:
        return None, errors
    return {name: names.index(name) for name in COLUMNS}, []


def _capped(errors: list[str]) -> list[str]:
    if len(errors) <= MAX_ERRORS:
        return errors
    rest = len(errors) - MAX_ERRORS
    return [*errors[:MAX_ERRORS], f"… and {rest:,} more problems. Fix these first."]


# --- Writing CSV --------------------------------------------------------------------------


def csv_safe(value) -> str:
    """The cell as text a spreadsheet shows rather than runs: a leading quote goes before
    anything starting like a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def write_csv(header, rows) -> str:
    """CSV text with every cell escaped by `csv_safe`."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([csv_safe(cell) for cell in header])
    for row in rows:
        writer.writerow([csv_safe(cell) for cell in row])
    return out.getvalue()


def template_csv() -> str:
    return write_csv(COLUMNS, TEMPLATE_ROWS)


def unmatched_csv(unmatched: list[dict]) -> str:
    """The rows that confirmed nothing, with the reason, for the provider to correct."""
    return write_csv(
        ("line", *COLUMNS, "reason"),
        [
            (u["line"], u["email"], u["name"], u["course"], u["date"], u["reason"])
            for u in unmatched
        ],
    )


# --- Applying -----------------------------------------------------------------------------


def _courses_by_key(provider: Provider) -> tuple[dict[str, list[Course]], dict[str, Course]]:
    by_title: dict[str, list[Course]] = defaultdict(list)
    by_id: dict[str, Course] = {}
    for course in Course.objects.filter(provider=provider).only("pk", "title"):
        by_title[course.title.strip().casefold()].append(course)
        by_id[str(course.pk)] = course
    return by_title, by_id


def _claims(provider: Provider, emails: set[str]) -> dict[tuple[str, int], list]:
    claims: dict[tuple[str, int], list] = defaultdict(list)
    emails_list = sorted(emails)
    for start in range(0, len(emails_list), 500):  # stay under the database's variable limit
        chunk = emails_list[start : start + 500]
        for completion in (
            CourseCompletion.objects.filter(
                course__provider=provider,
                status__in=[CourseCompletion.Status.SUBMITTED, CourseCompletion.Status.VERIFIED],
            )
            .annotate(email=Lower("candidacy__user__email"))
            .filter(email__in=chunk)
        ):
            claims[(completion.email, completion.course_id)].append(completion)
    return claims


@transaction.atomic
def roster_apply(provider: Provider, rows: list[RosterRow], *, by) -> RosterResult:
    """Confirm, for each row, the candidate's open claim on this provider's course: the course
    named by its exact title (letter case aside) or its number, the candidacy's user by email
    (letter case aside), and the claimed completion date equal to the row's.

    Confirms through `completion_provider_confirm` (history rows, no status change), all in
    one transaction. Claims already confirmed or verified go to `already`; rows matching no
    claim go to `unmatched` with the reason. Raises DomainError if `by` is not a member."""
    if not provider.memberships.filter(user=by).exists():
        raise DomainError(f"Only members of {provider.name} can confirm its completions.")
    by_title, by_id = _courses_by_key(provider)
    claims = _claims(provider, {row.email.lower() for row in rows})
    result = RosterResult()
    seen: set[int] = set()  # a claim named twice (by title and by number) is counted once
    for row in rows:
        courses = by_title.get(row.course.strip().casefold()) or (
            [by_id[row.course]] if row.course in by_id else []
        )
        if not courses:
            result.unmatched.append(
                RosterOutcome(row, reason=f"no course of {provider.name} has this title or number")
            )
            continue
        found = [c for course in courses for c in claims.get((row.email.lower(), course.pk), [])]
        if not found:
            result.unmatched.append(
                RosterOutcome(row, reason="no candidate with this email claimed this course")
            )
            continue
        same_day = [c for c in found if c.completed_on == row.completed_on]
        if not same_day:
            claimed = ", ".join(sorted(f"{c.completed_on:%Y-%m-%d}" for c in found))
            result.unmatched.append(
                RosterOutcome(row, reason=f"date differs from the claim (claimed {claimed})")
            )
            continue
        for completion in same_day:
            if (
                completion.pk in seen
                or completion.confirmed_by_provider_at
                or completion.status == CourseCompletion.Status.VERIFIED
            ):
                result.already.append(RosterOutcome(row, completion=completion))
            else:
                confirmed = completion_provider_confirm(completion, by=by)
                result.confirmed.append(RosterOutcome(row, completion=confirmed))
            seen.add(completion.pk)
    return result
