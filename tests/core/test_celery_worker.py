"""A task sent through Redis runs in a real Celery worker process and writes to PostgreSQL.

Everything else in the suite runs tasks inline (see conftest.py); this test checks the real
path once: the message waits in Redis until a separate worker process, configured from the
environment like a production worker, takes it and updates the row in the test database.
"""

import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.conf import settings

from lssc.celery import app as celery_app
from lssc.core.models import EmailLog
from lssc.core.tasks import send_email_task

ROOT = Path(__file__).resolve().parents[2]
WORKER_TIMEOUT = 60  # seconds; a worker is usually ready in ~4 s
# One process, no chatter with other workers, quiet unless something goes wrong.
WORKER_OPTIONS = [
    "--pool=solo", "--concurrency=1", "--loglevel=warning",
    "--without-gossip", "--without-mingle", "--without-heartbeat",
]  # fmt: skip


def worker_database_url() -> str:
    """A DATABASE_URL naming the test database this test process is using."""
    db = settings.DATABASES["default"]
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "127.0.0.1"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{credentials}@{host}{port}/{quote(db['NAME'], safe='')}"


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_email_task_sent_through_redis_is_run_by_a_worker_process(monkeypatch):
    queue = f"lssc-test-{uuid.uuid4().hex}"
    log = EmailLog.objects.create(
        to_email="candidate@example.org",
        kind="worker_test",
        subject="Your portfolio was received",
        body_text="We received your portfolio.",
        body_html="<p>We received your portfolio.</p>",
    )
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)

    # Send for real: conftest makes tasks run inline everywhere else.
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    send_email_task.apply_async(args=[log.pk], queue=queue)

    assert broker.llen(queue) == 1  # the message waits in Redis; nothing has run it
    log.refresh_from_db()
    assert log.sent_at is None

    worker_env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": worker_database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "EMAIL_URL": "memorymail://",
    }
    with tempfile.TemporaryFile(mode="w+") as output:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "lssc", "worker", "-Q", queue, *WORKER_OPTIONS],
            cwd=ROOT,
            env=worker_env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + WORKER_TIMEOUT
            while time.monotonic() < deadline and worker.poll() is None:
                log.refresh_from_db()
                if log.sent_at is not None:
                    break
                time.sleep(0.2)
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=15)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
            output.seek(0)
            worker_output = output.read()

    assert log.sent_at is not None, f"the worker did not send the email:\n{worker_output}"
    assert (log.attempts, log.last_error) == (1, "")
    assert broker.llen(queue) == 0
    broker.delete(f"_kombu.binding.{queue}")  # the queue's routing entry, if Redis is shared
