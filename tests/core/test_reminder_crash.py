"""A reminder sweep killed mid-run by SIGKILL, then run again, reminds everyone exactly once.

This is DESIGN.md journey 9 ("crash mid-run, and nobody gets a reminder twice or none") on
the real stack: PostgreSQL, Redis and a real Celery worker process. ~300 active candidacies
are due for the 3-month deadline reminder; a worker runs `candidacy_reminders_task` from
Redis and is killed with SIGKILL as soon as some (not all) claims have committed. A second
worker runs the sweep again and finishes it; a third run sends nothing.

Ordering is made certain with barriers rather than sleeps: the worker has one process and
takes messages from one Redis list in order, so once an email task sent *after* the sweep has
been delivered, the sweep before it has finished.

The control test shows that the checker can fail: it deletes the claims the killed run
committed (a sweep that keeps no claim) before running again, and the same checker reports
exactly those candidates as reminded twice.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from candidates.models import Candidacy
from candidates.reminders import CANDIDACY_DEADLINE
from lssc.accounts.models import User
from lssc.celery import app as celery_app
from lssc.core.dates import add_months
from lssc.core.models import EmailLog, Reminder
from tests.core.test_celery_worker import worker_database_url

ROOT = Path(__file__).resolve().parents[2]
CANDIDATES = 300  # raise it if a sweep ever finishes before the test can kill the worker
# Kill the worker once this many claims have committed: well inside the sweep, with emails
# already waiting in Redis behind it.
KILL_AFTER = CANDIDATES // 3
STAGE = "3m"
EMAIL_KIND = f"reminder:{CANDIDACY_DEADLINE.code}:{STAGE}"
SWEEP_TASK = "candidates.tasks.candidacy_reminders_task"
EMAIL_TASK = "lssc.core.tasks.send_email_task"
RETRY_TASK = "lssc.core.tasks.retry_unsent_email_task"
TIMEOUT = 40  # seconds for any one wait; a worker is usually ready in ~4 s
# One process taking one message at a time from the default queue, quiet unless it fails.
WORKER_COMMAND = [
    sys.executable, "-m", "celery", "-A", "lssc", "worker", "--pool=solo", "--concurrency=1",
    "-Q", "celery", "--without-heartbeat", "--without-mingle", "--without-gossip",
    "-l", "warning",
]  # fmt: skip

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


# --- The checker ---------------------------------------------------------------------------


@dataclass
class Delivery:
    """Per candidacy, what the 3-month deadline reminder left behind: candidacy pks with no
    claim or no email, with more than one of either, and emails not delivered yet."""

    missing: list[int] = field(default_factory=list)
    duplicated: list[int] = field(default_factory=list)
    undelivered: list[int] = field(default_factory=list)

    @property
    def exactly_once(self) -> bool:
        return not self.missing and not self.duplicated


def reminder_delivery(candidacies: list[Candidacy]) -> Delivery:
    """Count the 3-month Reminder claims and the emails of that kind for each candidacy."""
    claims = Counter(
        Reminder.objects.filter(kind=CANDIDACY_DEADLINE.code, stage=STAGE).values_list(
            "subject_id", flat=True
        )
    )
    emails = EmailLog.objects.filter(kind=EMAIL_KIND)
    sent = Counter(emails.values_list("recipient_id", flat=True))
    unsent = Counter(emails.filter(sent_at__isnull=True).values_list("recipient_id", flat=True))
    result = Delivery()
    for candidacy in candidacies:
        counts = (claims[candidacy.pk], sent[candidacy.user_id])
        if 0 in counts:
            result.missing.append(candidacy.pk)
        if max(counts) > 1:
            result.duplicated.append(candidacy.pk)
        if unsent[candidacy.user_id]:
            result.undelivered.append(candidacy.pk)
    return result


# --- Arrange ---------------------------------------------------------------------------------


def seed_due_candidacies(count: int) -> list[Candidacy]:
    """`count` active candidacies whose deadlines are spread over the 3-month stage window
    (after one month from today, at most three months), so each is due for that reminder."""
    today = timezone.localdate()
    lower, upper = add_months(today, 1), add_months(today, 3)
    span = (upper - lower).days
    now = timezone.now()
    users = User.objects.bulk_create(
        User(email=f"crash{i}@example.org", first_name="Pat", last_name=f"Crash{i}", password="!")
        for i in range(count)
    )
    return Candidacy.objects.bulk_create(
        Candidacy(
            user=user,
            number=f"LSSC-C{i:05d}",
            admitted_at=now - timedelta(days=3 * 365),
            deadline=lower + timedelta(days=1 + i % span),
            status=Candidacy.Status.ACTIVE,
        )
        for i, user in enumerate(users)
    )


class Workers:
    """Real Celery worker processes on the test database and the test Redis; each in its own
    process group, its output in a file in `folder`, all stopped by `stop_all`."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.procs: list[subprocess.Popen] = []
        self.outputs: list[Path] = []
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "lssc.settings",
            "DEBUG": "1",
            "DATABASE_URL": worker_database_url(),
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            "EMAIL_URL": "memorymail://",  # delivered into the worker's memory, no server
        }

    def start(self) -> subprocess.Popen:
        output = self.folder / f"worker{len(self.procs) + 1}.log"
        with output.open("w") as log_file:
            proc = subprocess.Popen(
                WORKER_COMMAND,
                cwd=ROOT,
                env=self.env,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # its own process group, stopped with killpg
            )
        self.procs.append(proc)
        self.outputs.append(output)
        return proc

    def log(self) -> str:
        """Everything the workers printed, for failure messages."""
        parts = []
        for output in self.outputs:
            parts.append(f"--- {output.name} ---\n{output.read_text(errors='replace')[-4000:]}")
        return "\n".join(parts)

    def stop_all(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def wait_for(condition, what: str, workers: Workers, proc: subprocess.Popen, poll=0.05):
    """Poll `condition` until it returns a truthy value (returned), the worker dies or the
    timeout passes (both fail the test with the workers' output)."""
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        if proc.poll() is not None:
            pytest.fail(f"The worker exited ({proc.returncode}) before {what}.\n{workers.log()}")
        time.sleep(poll)
    pytest.fail(f"Timed out after {TIMEOUT} s waiting for {what}.\n{workers.log()}")


def barrier(workers: Workers, proc: subprocess.Popen, label: str) -> None:
    """Send an email task and wait until the worker has delivered it: every message sent
    before it has then been handled (one process, one list, first in first out)."""
    log = EmailLog.objects.create(
        to_email="barrier@example.org", kind="barrier", subject=label, body_text=label
    )
    celery_app.send_task(EMAIL_TASK, args=[log.pk])
    wait_for(
        lambda: EmailLog.objects.filter(pk=log.pk, sent_at__isnull=False).exists(),
        f"the barrier after {label}",
        workers,
        proc,
    )


def run_sweep_to_the_end(workers: Workers, proc: subprocess.Popen, label: str) -> None:
    """Send the sweep, wait until it has finished, then until the emails it queued (which
    wait behind the first barrier) have been handled too."""
    celery_app.send_task(SWEEP_TASK)
    barrier(workers, proc, f"{label}: the sweep")
    barrier(workers, proc, f"{label}: its emails")


def kill_mid_sweep(workers: Workers, total: int) -> int:
    """Start a worker, send the sweep and SIGKILL the worker as soon as KILL_AFTER (some but
    not all) claims have committed. Returns the number of claims the killed run left."""
    proc = workers.start()
    celery_app.send_task(SWEEP_TASK)
    claims = Reminder.objects.filter(kind=CANDIDACY_DEADLINE.code, stage=STAGE)
    wait_for(lambda: claims.count() >= KILL_AFTER, "the first claims", workers, proc, poll=0.01)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    left = claims.count()
    print(f"worker killed after {left} of {total} claims had committed")
    assert 0 < left < total, (
        f"the worker was to die mid-sweep but {left} of {total} claims committed: "
        f"raise CANDIDATES so the sweep takes longer.\n{workers.log()}"
    )
    return left


@pytest.fixture
def workers(monkeypatch, tmp_path):
    """Messages go through Redis to real workers (conftest makes tasks run inline
    otherwise); the workers are stopped however the test ends."""
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    started = Workers(tmp_path)
    try:
        yield started
    finally:
        started.stop_all()


# --- Tests ---------------------------------------------------------------------------------


def test_sweep_killed_mid_run_then_rerun_reminds_every_candidate_exactly_once(workers):
    candidacies = seed_due_candidacies(CANDIDATES)
    left = kill_mid_sweep(workers, CANDIDATES)
    after_kill = reminder_delivery(candidacies)
    assert len(after_kill.missing) == CANDIDATES - left
    assert after_kill.duplicated == []

    proc = workers.start()
    run_sweep_to_the_end(workers, proc, "the second run")
    # An email whose claim committed just before the kill, but whose hand-off to Redis (after
    # commit) did not happen, waits for the periodic retry job: let it be due and run it.
    EmailLog.objects.filter(kind=EMAIL_KIND, sent_at__isnull=True).update(
        created_at=timezone.now() - timedelta(minutes=10)
    )
    celery_app.send_task(RETRY_TASK)
    barrier(workers, proc, "the retry job")

    assert reminder_delivery(candidacies) == Delivery(), workers.log()
    assert Reminder.objects.filter(kind=CANDIDACY_DEADLINE.code).count() == CANDIDATES
    assert EmailLog.objects.filter(kind=EMAIL_KIND).count() == CANDIDATES
    assert set(EmailLog.objects.filter(kind=EMAIL_KIND).values_list("attempts", flat=True)) == {1}

    run_sweep_to_the_end(workers, proc, "the third run")

    assert reminder_delivery(candidacies) == Delivery()
    assert Reminder.objects.count() == CANDIDATES
    assert EmailLog.objects.exclude(kind="barrier").count() == CANDIDATES


def test_control_rerun_without_the_claims_is_reported_as_duplicates(workers):
    candidacies = seed_due_candidacies(CANDIDATES)
    kill_mid_sweep(workers, CANDIDATES)
    claimed = sorted(
        Reminder.objects.filter(kind=CANDIDACY_DEADLINE.code, stage=STAGE).values_list(
            "subject_id", flat=True
        )
    )
    # A sweep that keeps no claim: forget what the killed run committed.
    Reminder.objects.all().delete()

    proc = workers.start()
    run_sweep_to_the_end(workers, proc, "the run without claims")

    report = reminder_delivery(candidacies)
    assert not report.exactly_once
    assert report.duplicated == claimed
    assert report.missing == []
