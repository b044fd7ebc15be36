"""Benchmark: does a reminder sweep's cost follow the number of reminders due, or the number
of rows in the tables? `make bench-reminders` runs it (and `make bench`); it is not part of
`make test`, prints its figures and asserts no timing.

On PostgreSQL (a throwaway cluster started with scripts/run_tests.py's helper; without the
server binaries, a scratch database on the server DATABASE_URL names, dropped afterwards),
for each size N it seeds with bulk_create N active candidacies and N valid certificates (on N
more, certified, candidacies) of which only D of each are due for a reminder today (the
3-month stage); every other deadline and expiry is more than a year away, outside every
stage. It then runs `candidacy_deadline_reminders` and `certificate_renewal_reminders` and
prints the wall time, the number of SQL statements and the peak Python memory (tracemalloc,
in a second run on an identical copy of the data, so tracing does not slow the timed one).
It prints the time ratio between the sizes: close to 1 (under 2) means the sweeps follow the
due count; following N would give about N_large / N_small (10). Each sweep is then run again
and must send 0 (the script exits 1 otherwise).

Emails are queued to an in-memory broker, as a worker queues them to Redis: the sweep's own
cost is measured, not the sending.

`--control` shows what "following the count" looks like: at the smaller size it also runs
the sweeps with all N due, and prints that time over the D-due time (about N / D). It sends
2N reminders twice (timed, then traced): several minutes at N = 10,000; `--small 2000` is
quicker.

Usage: .venv/bin/python scripts/bench_reminders.py [--small 10000] [--large 100000]
       [--due 200] [--control]
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import shutil
import sys
import tempfile
import time
import tracemalloc
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import run_tests  # noqa: E402  (the throwaway PostgreSQL helper, next to this file)

BATCH = 5000  # rows per INSERT when seeding
MB = 1024 * 1024


# --- Database -----------------------------------------------------------------------------


def provide_postgres(stack: contextlib.ExitStack) -> tuple[str, str]:
    """(server URL, description): a throwaway cluster, or a scratch database on the server
    DATABASE_URL names. Exits with instructions when neither is possible."""
    try:
        url, text = run_tests.start_throwaway_postgres(stack)
        return url, text
    except run_tests.ComponentMissing as exc:
        configured = os.environ.get("DATABASE_URL", "")
        if configured.startswith(("postgres", "pgsql")):
            return configured, f"scratch databases on {run_tests._redact(configured)}"
        sys.exit(
            f"PostgreSQL {exc}. This benchmark needs PostgreSQL: install it, or set "
            "DATABASE_URL=postgres://user@host:port/db for a server where the user may create "
            "databases (scratch databases are made and dropped there)."
        )


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def admin(url: str, sql: str) -> None:
    """Run one statement outside a transaction (CREATE/DROP DATABASE) on the server."""
    import psycopg

    parts = urlsplit(url)
    with psycopg.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username,
        password=parts.password,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        conn.execute(sql)


def close_connection() -> None:
    """Close Django's connection (it reconnects when next used), once Django is set up."""
    from django.apps import apps

    if apps.ready:
        from django.db import connection

        connection.close()


def use_database(name: str) -> None:
    """Point Django's connection at another database on the same server."""
    from django.db import connection

    connection.close()
    connection.settings_dict["NAME"] = name


class Databases:
    """Databases made on the server from a template and dropped at the end."""

    def __init__(self, url: str, stack: contextlib.ExitStack):
        self.url = url
        self.prefix = f"lssc_bench_{uuid.uuid4().hex[:8]}"
        self.made: list[str] = []
        stack.callback(self.drop_all)

    def create(self, suffix: str, template: str | None = None) -> str:
        name = f"{self.prefix}_{suffix}"
        close_connection()  # a template must have no connection open
        admin(
            self.url, f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")
        )
        self.made.append(name)
        return name

    def drop(self, name: str) -> None:
        close_connection()
        admin(self.url, f'DROP DATABASE IF EXISTS "{name}"')
        self.made.remove(name)

    def drop_all(self) -> None:
        for name in list(self.made):
            with contextlib.suppress(Exception):
                self.drop(name)


# --- Seeding ------------------------------------------------------------------------------


def seed(size: int, due: int) -> None:
    """`size` active candidacies and `size` valid certificates (on `size` certified
    candidacies); the first `due` of each are in today's 3-month stage, the rest more than a
    year from any deadline or expiry."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from candidates.models import Candidacy, Certificate
    from lssc.accounts.models import User
    from lssc.core.dates import add_months

    today = timezone.localdate()
    now = timezone.now()
    due_from, due_to = add_months(today, 1), add_months(today, 3)
    due_span = (due_to - due_from).days
    far = add_months(today, 13)  # beyond the 12-month deadline stage and renewal window

    unusable = make_password(None)  # nobody logs in; no hashing per row

    def due_or_far(i: int):
        if i < due:
            return due_from + timedelta(days=1 + i % due_span)
        return far + timedelta(days=i % 1000)

    users = User.objects.bulk_create(
        (
            User(email=f"b{i}@example.org", first_name="Pat", last_name=f"B{i}", password=unusable)
            for i in range(2 * size)
        ),
        batch_size=BATCH,
    )
    active = Candidacy.objects.bulk_create(
        (
            Candidacy(
                user=users[i],
                number=f"A{i:08d}",
                admitted_at=now - timedelta(days=365),
                deadline=due_or_far(i),
                status=Candidacy.Status.ACTIVE,
            )
            for i in range(size)
        ),
        batch_size=BATCH,
    )
    certified = Candidacy.objects.bulk_create(
        (
            Candidacy(
                user=users[size + i],
                number=f"C{i:08d}",
                admitted_at=now - timedelta(days=6 * 365),
                deadline=today - timedelta(days=2 * 365),
                status=Candidacy.Status.CERTIFIED,
            )
            for i in range(size)
        ),
        batch_size=BATCH,
    )
    Certificate.objects.bulk_create(
        (
            Certificate(
                candidacy=candidacy,
                number=f"LSSC-{i:08d}",
                verification_code=f"V{i:015d}",
                holder_name=f"Pat B{size + i}",
                issued_on=today - timedelta(days=365),
                expires_on=due_or_far(i),
                status=Certificate.Status.VALID,
            )
            for i, candidacy in enumerate(certified)
        ),
        batch_size=BATCH,
    )
    assert len(active) == size
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum would after a load of this size


# --- Measuring ----------------------------------------------------------------------------


@dataclass
class Run:
    sent: int = 0
    seconds: float = 0.0
    queries: int = 0
    peak_bytes: int = 0
    parts: dict[str, float] = field(default_factory=dict)  # seconds per sweep function


def sweep(*, trace_memory: bool = False) -> Run:
    """Both reminder sweeps, as the beat entries run them."""
    from django.db import connection

    from candidates.reminders import candidacy_deadline_reminders, certificate_renewal_reminders

    run = Run()

    def count(execute, sql, params, many, context):
        run.queries += 1
        return execute(sql, params, many, context)

    gc.collect()
    if trace_memory:
        tracemalloc.start()
    started = time.perf_counter()
    with connection.execute_wrapper(count):
        for sweep_function in (candidacy_deadline_reminders, certificate_renewal_reminders):
            part_started = time.perf_counter()
            run.sent += sweep_function()
            run.parts[sweep_function.__name__] = time.perf_counter() - part_started
    run.seconds = time.perf_counter() - started
    if trace_memory:
        run.peak_bytes = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return run


@dataclass
class Result:
    size: int
    due: int
    first: Run
    again: Run
    memory: Run


def measure(databases: Databases, template: str, size: int, due: int) -> Result:
    """Seed a copy of the migrated database, then: a timed sweep and a second sweep on it, and
    a memory-traced sweep on an identical copy."""
    print(f"  seeding {size:,} candidacies and {size:,} certificates, {due:,} of each due …")
    seeded = databases.create(f"seed_{size}_{due}", template)
    use_database(seeded)
    started = time.perf_counter()
    seed(size, due)
    print(f"  seeded in {time.perf_counter() - started:.1f} s; sweeping …")

    timed = databases.create(f"timed_{size}_{due}", seeded)
    traced = databases.create(f"traced_{size}_{due}", seeded)
    use_database(timed)
    first = sweep()
    again = sweep()
    use_database(traced)
    memory = sweep(trace_memory=True)
    for name in (timed, traced, seeded):
        databases.drop(name)
    return Result(size, due, first, again, memory)


def warm_up(databases: Databases, template: str) -> None:
    """One small sweep first, so imports, template compilation and connection setup are not
    counted in the first measured size."""
    name = databases.create("warm_up", template)
    use_database(name)
    seed(20, 5)
    sweep()
    databases.drop(name)


def row(label: str, result: Result) -> str:
    first, again = result.first, result.again
    return (
        f"{label:<16}{result.size:>9,}{2 * result.due:>7,}{first.sent:>7,}"
        f"{first.seconds:>9.2f} s{first.queries:>9,}{result.memory.peak_bytes / MB:>9.1f} MB"
        f"{again.sent:>8,}{again.seconds:>8.3f} s{again.queries:>8,}"
    )


def ratio(a: float, b: float) -> float:
    return a / b if b else float("inf")


# --- Main ---------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", type=int, default=10_000, help="the smaller N")
    parser.add_argument("--large", type=int, default=100_000, help="the larger N")
    parser.add_argument("--due", type=int, default=200, help="D: candidacies and certificates due")
    parser.add_argument(
        "--control",
        action="store_true",
        help="also run the smaller size with all N due, to show a cost that follows the count",
    )
    args = parser.parse_args()
    if not 0 < args.due <= args.small < args.large:
        parser.error("need 0 < --due <= --small < --large")

    with contextlib.ExitStack() as stack:
        server, description = provide_postgres(stack)
        scratch = Path(tempfile.mkdtemp(prefix="lssc-bench-"))
        stack.callback(shutil.rmtree, scratch, ignore_errors=True)
        databases = Databases(server, stack)
        template = databases.create("template")
        for key in [k for k in os.environ if k.startswith(("AWS_", "CELERY_", "DATABASE_"))]:
            del os.environ[key]
        os.environ.update(
            DJANGO_SETTINGS_MODULE="lssc.settings",
            DEBUG="1",
            DATABASE_URL=with_database(server, template),
            # Emails are queued, not sent, as a worker queues them to Redis.
            CELERY_BROKER_URL="memory://localhost/",
            EMAIL_URL="memorymail://",
            CACHE_URL="locmemcache://",
            FILE_STORAGE="local",
            PRIVATE_MEDIA_ROOT=str(scratch / "private"),
        )
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection

        settings.DEBUG = False  # no query log: it would grow with the run and skew memory
        print(f"PostgreSQL: {description}")
        call_command("migrate", verbosity=0)
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('server_version')")
            version = cursor.fetchone()[0]
        connection.close()

        print(f"Reminder sweeps on PostgreSQL {version}: N = {args.small:,} and {args.large:,}")
        warm_up(databases, template)
        results = {}
        for size in (args.small, args.large):
            results[size] = measure(databases, template, size, args.due)
        control = measure(databases, template, args.small, args.small) if args.control else None

    small, large = results[args.small], results[args.large]
    print()
    print(
        f"{'':<16}{'N':>9}{'due':>7}{'sent':>7}{'time':>11}{'queries':>9}{'peak mem':>12}"
        f"{'again':>8}{'time':>10}{'queries':>8}"
    )
    print(row("D due", small))
    print(row("D due", large))
    if control:
        print(row("control: all due", control))
    print()
    time_ratio = ratio(large.first.seconds, small.first.seconds)
    size_ratio = args.large / args.small
    print(
        f"ratio {args.large:,}/{args.small:,}: time {time_ratio:.2f}, queries "
        f"{ratio(large.first.queries, small.first.queries):.2f}, peak memory "
        f"{ratio(large.memory.peak_bytes, small.memory.peak_bytes):.2f}; "
        f"second run (nothing due) time {ratio(large.again.seconds, small.again.seconds):.2f}"
    )
    for name, seconds in large.again.parts.items():
        print(
            f"  second run, {name}: {small.again.parts[name] * 1000:.1f} ms at "
            f"{args.small:,}, {seconds * 1000:.1f} ms at {args.large:,} "
            f"(ratio {ratio(seconds, small.again.parts[name]):.1f})"
        )
    if time_ratio < 2:
        print(
            f"=> the sweep time follows the due count (ratio {time_ratio:.2f} < 2), not N "
            f"(which would give about {size_ratio:.0f})."
        )
    else:
        print(
            f"=> the sweep time grows with N (ratio {time_ratio:.2f} >= 2; following N "
            f"would give about {size_ratio:.0f})."
        )
    if control:
        control_ratio = ratio(control.first.seconds, small.first.seconds)
        print(
            f"control: at N = {args.small:,}, all due / {args.due:,} due: time "
            f"{control_ratio:.1f}, queries {ratio(control.first.queries, small.first.queries):.1f}"
            f" (the due count grew {args.small / args.due:.0f}x): this is what following "
            "the count looks like."
        )
    resent = [r for r in (small, large, control) if r and r.again.sent]
    expected = [r for r in (small, large, control) if r and r.first.sent != 2 * r.due]
    for r in expected:
        print(f"FAIL: at N = {r.size:,} the first run sent {r.first.sent}, not {2 * r.due}.")
    if resent:
        print("FAIL: a second run sent reminders again.")
    else:
        print("second run sent 0 at every size: OK")
    return 1 if resent or expected else 0


if __name__ == "__main__":
    sys.exit(main())
