"""Fixtures for the whole suite: the cast of personas, checks for the servers and the browser
some tests need, and Playwright set up for Debian's Chromium.

Tests that need a component carry a marker:

    @pytest.mark.postgres   the database is PostgreSQL (DATABASE_URL)
    @pytest.mark.redis      a Redis broker is configured (CELERY_BROKER_URL)
    @pytest.mark.browser    headless Chromium is installed (/usr/bin/chromium or CHROMIUM_PATH)

Without the component such a test skips with the Debian package to install; with CI=true it
fails instead, so a CI machine that lacks something cannot pass by skipping.

Tests that need committed rows (live_server, the Celery worker) use
`@pytest.mark.django_db(transaction=True, serialized_rollback=True)`; plain `transaction=True`
is refused, as its closing flush breaks the seeded data for the tests that follow.
`scripts/run_tests.py` (`make test`) provides PostgreSQL and Redis when it can.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import connections

from lssc.celery import app as celery_app
from tests.factories import (
    CandidacyFactory,
    EvaluatorFactory,
    ProviderMembershipFactory,
    UserFactory,
)

ON_CI = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}
DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
E2E_DIR = Path(__file__).parent / "e2e"


# --- Components ---------------------------------------------------------------------------


def require(component: str, package: str, *, available: bool) -> None:
    """Skip the running test when `component` is missing, naming the Debian `package` that
    provides it; under CI=true fail it instead."""
    if available:
        return
    message = f"{component} is not available: install the {package!r} package"
    if ON_CI:
        pytest.fail(f"{message} (CI=true: a missing component fails the run)", pytrace=False)
    pytest.skip(message)


def chromium_path() -> str:
    return os.environ.get("CHROMIUM_PATH") or DEFAULT_CHROMIUM


def _database_is_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def _broker_is_redis() -> bool:
    return (settings.CELERY_BROKER_URL or "").startswith(("redis://", "rediss://"))


def _chromium_installed() -> bool:
    return Path(chromium_path()).is_file()


@dataclass(frozen=True)
class Component:
    name: str
    package: str
    check: Callable[[], bool]

    @functools.cached_property
    def available(self) -> bool:
        return self.check()


# marker name -> what the marked test needs
COMPONENTS = {
    "postgres": Component("PostgreSQL", "postgresql", _database_is_postgres),
    "redis": Component("Redis", "redis-server", _broker_is_redis),
    "browser": Component("Chromium", "chromium", _chromium_installed),
}


def _uses_playwright(item: pytest.Item) -> bool:
    fixture_defs = getattr(getattr(item, "_fixtureinfo", None), "name2fixturedefs", {})
    for name in ("page", "context", "new_context"):
        for fixture_def in fixture_defs.get(name, ()):
            if getattr(fixture_def.func, "__module__", "").startswith("pytest_playwright"):
                return True
    return False


def pytest_collection_modifyitems(config, items):
    # End-to-end journeys and anything using Playwright's page need the browser even when
    # the author forgot the marker; without it they would fail with Playwright's own error.
    for item in items:
        if item.get_closest_marker("browser"):
            continue
        if E2E_DIR in Path(item.path).parents or _uses_playwright(item):
            item.add_marker(pytest.mark.browser)


def pytest_runtest_setup(item):
    for marker, component in COMPONENTS.items():
        if item.get_closest_marker(marker):
            require(component.name, component.package, available=component.available)
    db = item.get_closest_marker("django_db")
    if db and db.kwargs.get("transaction") and not db.kwargs.get("serialized_rollback"):
        # A transactional test ends by flushing every table and re-running post_migrate,
        # which makes the next serialized rollback fail on duplicate content types and
        # leaves later tests without the seeded competency sets: an order-dependent failure.
        pytest.fail(
            "Use @pytest.mark.django_db(transaction=True, serialized_rollback=True): a plain "
            "transactional test breaks the seeded data for the tests after it.",
            pytrace=False,
        )


def pytest_report_header(config):
    return [
        "components: "
        + ", ".join(f"{c.name} {'yes' if c.available else 'no'}" for c in COMPONENTS.values())
        + (" (CI=true: missing ones fail)" if ON_CI else "")
    ]


# --- Test-wide settings -------------------------------------------------------------------


@pytest.fixture(autouse=True, scope="session")
def _celery_tasks_run_inline():
    """Tasks queued by the code under test run at once in the test process, as in the quick
    start, even when run_tests.py configured a broker. Only the worker test sends through it."""
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The production hasher takes ~0.3 s per password on purpose; tests make many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    """Private files (letters, proofs, uploads) go to a throwaway folder, never var/private.
    Returns the folder."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private", "base_url": None},
        },
    }
    return tmp_path / "private"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters live in the cache: start every test with an empty one. Only an
    in-process cache is cleared; a shared Redis cache is never flushed by tests."""
    backend = caches["default"]
    if isinstance(backend, LocMemCache):
        backend.clear()


# --- Test database ------------------------------------------------------------------------


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test databases, with the serialized seed data visible to every
    connection object.

    Playwright's sync API keeps an event loop running in the test thread, and Django then
    keys its connections by context instead of by thread: a test using `page` gets a new
    connection object without the serialized copy of the seeded data, so
    `serialized_rollback=True` silently restores nothing and such a test sees empty tables.
    Keeping the copy on the connection class makes every connection object see it.

    For the same reason a connection opened while Playwright ran can outlive it, out of
    reach of Django's `close_all()`; it is ended here so the test database can be dropped.
    """
    patched = []
    for wrapper in connections.all():
        contents = getattr(wrapper, "_test_serialized_contents", None)
        if contents is not None and "_test_serialized_contents" not in vars(type(wrapper)):
            type(wrapper)._test_serialized_contents = contents
            patched.append(type(wrapper))
    yield
    for wrapper_class in patched:
        del wrapper_class._test_serialized_contents
    with django_db_blocker.unblock():
        for wrapper in connections.all():
            if wrapper.vendor == "postgresql":
                with wrapper.cursor() as cursor:
                    cursor.execute(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                        " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )


# --- Playwright ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium instead of a browser Playwright would download (it cannot here)."""
    return {**browser_type_launch_args, "executable_path": chromium_path(), "args": CHROMIUM_ARGS}


# --- Personas -----------------------------------------------------------------------------
# The fixed cast of HOUSE_STYLE. Each is a user who can log in with factories.PASSWORD.


@pytest.fixture
def candidate(db):
    """A person with an active candidacy (`candidate.candidacy`)."""
    return CandidacyFactory(user__email="candidate@example.org", user__first_name="Casey").user


@pytest.fixture
def other_candidate(db):
    return CandidacyFactory(user__email="other.candidate@example.org", user__first_name="Olly").user


@pytest.fixture
def evaluator(db):
    """An approved evaluator (`evaluator.evaluator_profile`), qualified for no set yet."""
    return EvaluatorFactory(user__email="evaluator@example.org", user__first_name="Eve").user


@pytest.fixture
def other_evaluator(db):
    return EvaluatorFactory(user__email="other.evaluator@example.org", user__first_name="Evan").user


@pytest.fixture
def provider_user(db):
    """A member of a verified provider (`provider_user.provider_memberships`)."""
    return ProviderMembershipFactory(
        user__email="provider@example.org", user__first_name="Priya"
    ).user


@pytest.fixture
def staff(db):
    """A member of the program-staff group (not a Django admin)."""
    return UserFactory(email="staff@example.org", first_name="Sam", program_staff=True)


@pytest.fixture
def outsider(db):
    """A verified user with no role at all."""
    return UserFactory(email="outsider@example.org", first_name="Oscar")


@pytest.fixture
def anonymous():
    return AnonymousUser()
