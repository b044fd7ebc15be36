"""Settings from the environment: a malformed value stops the site at start-up with a message
that names the variable, instead of being read as a default."""

import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from lssc.config import Env

ROOT = Path(__file__).resolve().parents[2]
SETTINGS_FILE = ROOT / "lssc" / "settings.py"


@pytest.mark.parametrize(
    ("environment", "variable", "explanation"),
    [
        ({"DEBUG": "maybe"}, "DEBUG", "is not a yes/no value"),
        ({"DATABASE_URL": "mysql://x"}, "DATABASE_URL", "must start with one of: sqlite://"),
        ({"DATABASE_URL": "postgres://"}, "DATABASE_URL", "has no host name"),
        ({"DATABASE_URL": "postgres://db:port/lssc"}, "DATABASE_URL", "has an invalid port"),
        ({"TIME_ZONE": "Mars/Base"}, "TIME_ZONE", "is not a known time zone"),
        (
            {"DATABASE_URL": "postgres://db/lssc", "DATABASE_CONN_MAX_AGE": "sixty"},
            "DATABASE_CONN_MAX_AGE",
            "is not a whole number",
        ),
        ({"FILE_STORAGE": "ftp"}, "FILE_STORAGE", "must be one of: local, s3"),
        ({"FILE_STORAGE": "s3"}, "AWS_STORAGE_BUCKET_NAME", "FILE_STORAGE=s3 needs"),
        ({"CACHE_URL": "memcached://cache"}, "CACHE_URL", "must start with one of"),
        ({"CELERY_BROKER_URL": "redis://"}, "CELERY_BROKER_URL", "has no host name"),
        ({"SITE_URL": "lssc.example.org"}, "SITE_URL", "must start with one of: http://"),
    ],
)
def test_settings_refuse_a_malformed_variable_and_name_it(
    monkeypatch, environment, variable, explanation
):
    monkeypatch.setenv("DEBUG", "1")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("AWS_STORAGE_BUCKET_NAME", raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)

    # Execute the settings file afresh (not the already imported module) under that env.
    with pytest.raises(ImproperlyConfigured) as error:
        runpy.run_path(str(SETTINGS_FILE))

    assert variable in str(error.value)
    assert explanation in str(error.value)


def test_error_messages_never_show_a_password():
    env = Env({"DATABASE_URL": "mysql://lssc:s3cret@db/lssc"})

    with pytest.raises(ImproperlyConfigured) as error:
        env.url("DATABASE_URL", schemes=("postgres",))

    assert "s3cret" not in str(error.value)
    assert "lssc:***@db" in str(error.value)


@pytest.mark.parametrize(("value", "expected"), [("yes", True), ("0", False), ("", False)])
def test_yes_no_values_are_read_in_their_usual_spellings(value, expected):
    assert Env({"DEBUG": value}).bool("DEBUG", default=True) is expected


def test_unset_variables_take_their_defaults():
    env = Env({})

    assert env.bool("DEBUG") is False
    assert env.int("DATABASE_CONN_MAX_AGE", 60) == 60
    assert env.list("ALLOWED_HOSTS", ["localhost"]) == ["localhost"]
    assert env.time_zone("TIME_ZONE", "America/Chicago") == "America/Chicago"


def test_the_site_does_not_start_without_a_secret_key_when_debug_is_off():
    clean_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DEBUG": "0"}

    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=clean_env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
