"""Run the whole suite: lint, migration and deployment checks, then pytest.

    make test                              # everything
    make test ARGS="-k portfolio -x"       # extra arguments go to pytest
    .venv/bin/python scripts/run_tests.py -- -k portfolio

Services: DATABASE_URL and CELERY_BROKER_URL are used when the environment sets them.
Otherwise, when the binaries are installed, a throwaway PostgreSQL cluster and a throwaway
Redis server are started on free loopback ports and removed at exit. A component that is
missing makes its tests skip with the package to install; with CI=true they fail instead
(see tests/conftest.py), and so does this script.

pytest runs with a fixed environment apart from those services (DEBUG=1, local files in a
temporary folder, in-memory cache and mail), so a developer's own settings cannot leak in.
To run pytest by hand, set at least DEBUG=1.

The exit status is pytest's, except that "no tests collected" (5) counts as a failure.
"""

from __future__ import annotations

import contextlib
import ctypes
import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
ON_CI = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}
DEFAULT_CHROMIUM = "/usr/bin/chromium"
READY_TIMEOUT = 30  # seconds for a throwaway server to accept connections
PORT_ATTEMPTS = 3  # another process may take the probed port before the server binds it


class ComponentMissing(Exception):
    """A component is not there; its message says which package to install."""


# --- Helpers ------------------------------------------------------------------------------


def say(line: str) -> None:
    print(line, flush=True)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _die_with_parent(sig: int):
    """A preexec_fn asking Linux to send `sig` to the child when this script dies, so a
    killed test run does not leave servers behind. A no-op elsewhere."""
    if not sys.platform.startswith("linux"):
        return None
    libc = ctypes.CDLL(None, use_errno=True)
    pr_set_pdeathsig = 1

    def preexec() -> None:
        libc.prctl(pr_set_pdeathsig, sig)

    return preexec


def _redact(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@", 1)
    return url


def _tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def _stop(proc: subprocess.Popen, sig: int, timeout: float = 15) -> None:
    if proc.poll() is not None:
        return
    proc.send_signal(sig)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


# --- PostgreSQL ---------------------------------------------------------------------------


def _postgres_bin_dir() -> tuple[Path, str] | None:
    """The newest installed PostgreSQL server's bin folder and major version."""
    found = []
    for initdb in glob.glob("/usr/lib/postgresql/*/bin/initdb"):
        bin_dir = Path(initdb).parent
        version = bin_dir.parent.name
        if (bin_dir / "postgres").exists() and version.split(".")[0].isdigit():
            found.append((int(version.split(".")[0]), bin_dir, version))
    if not found:
        return None
    _, bin_dir, version = max(found)
    return bin_dir, version


def start_throwaway_postgres(stack: contextlib.ExitStack) -> tuple[str, str]:
    """Start a PostgreSQL cluster in a temporary folder; return (DATABASE_URL, description).

    The cluster trusts local connections, listens on 127.0.0.1 only, keeps its socket in its
    own folder and skips fsync: it exists for one test run and is deleted afterwards.
    """
    located = _postgres_bin_dir()
    if located is None:
        raise ComponentMissing("not installed (apt-get install postgresql)")
    bin_dir, version = located
    workdir = Path(tempfile.mkdtemp(prefix="lssc-test-pg-"))
    stack.callback(shutil.rmtree, workdir, ignore_errors=True)
    # initdb and postgres refuse to run as root: run them as the postgres user instead
    # (what `runuser -u postgres --` does), in a folder that user owns.
    run_as: dict = {}
    if os.geteuid() == 0:
        import pwd

        try:
            account = pwd.getpwnam("postgres")
        except KeyError:
            raise ComponentMissing(
                "installed, but there is no 'postgres' user to run it as "
                "(apt-get install --reinstall postgresql)"
            ) from None
        os.chown(workdir, account.pw_uid, account.pw_gid)
        run_as = {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}

    data = workdir / "data"
    log = workdir / "server.log"
    initdb_command = [
        bin_dir / "initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8",
        "--no-locale", "--no-sync",
    ]  # fmt: skip
    initdb = subprocess.run(
        initdb_command,
        cwd=workdir,
        capture_output=True,
        text=True,
        check=False,
        **run_as,
    )
    if initdb.returncode:
        raise RuntimeError(f"initdb failed:\n{initdb.stdout}{initdb.stderr}")

    def server_command(port: int) -> list:
        return [
            bin_dir / "postgres", "-D", data, "-p", str(port), "-k", workdir,
            "-c", "listen_addresses=127.0.0.1",
            "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
        ]  # fmt: skip

    import psycopg

    for _attempt in range(PORT_ATTEMPTS):
        port = free_port()
        with open(log, "ab") as log_file:
            proc = subprocess.Popen(
                server_command(port),
                cwd=workdir,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                # Its own session: Ctrl-C reaches pytest, and this script stops the server.
                start_new_session=True,
                preexec_fn=_die_with_parent(signal.SIGINT),
                **run_as,
            )
        deadline = time.monotonic() + READY_TIMEOUT
        while proc.poll() is None and time.monotonic() < deadline:
            try:
                with psycopg.connect(
                    host="127.0.0.1",
                    port=port,
                    user="postgres",
                    dbname="postgres",
                    connect_timeout=2,
                    autocommit=True,
                ) as conn:
                    conn.execute("CREATE DATABASE lssc")
                break
            except psycopg.OperationalError:
                time.sleep(0.1)
        else:
            # Exited early (most likely the port was taken meanwhile) or never got ready.
            _stop(proc, signal.SIGINT)
            continue
        # SIGINT is PostgreSQL's "fast shutdown": disconnect clients and stop at once.
        stack.callback(_stop, proc, signal.SIGINT)
        url = f"postgres://postgres@127.0.0.1:{port}/lssc"
        return url, f"throwaway server {version} on 127.0.0.1:{port}"
    raise RuntimeError(f"PostgreSQL did not start; its log ends with:\n{_tail(log)}")


# --- Redis --------------------------------------------------------------------------------


def start_throwaway_redis(stack: contextlib.ExitStack) -> tuple[str, str]:
    """Start a Redis server that keeps nothing on disk; return (CELERY_BROKER_URL, text)."""
    binary = shutil.which("redis-server") or (
        "/usr/bin/redis-server" if Path("/usr/bin/redis-server").exists() else None
    )
    if binary is None:
        raise ComponentMissing("not installed (apt-get install redis-server)")
    # "Redis server v=7.0.15 sha=... malloc=..." -> "7.0.15"
    banner = subprocess.run([binary, "--version"], capture_output=True, text=True, check=False)
    version = next((w[2:] for w in banner.stdout.split() if w.startswith("v=")), "")
    workdir = Path(tempfile.mkdtemp(prefix="lssc-test-redis-"))
    stack.callback(shutil.rmtree, workdir, ignore_errors=True)
    log = workdir / "server.log"

    def server_command(port: int) -> list:
        return [
            binary, "--port", str(port), "--bind", "127.0.0.1", "--daemonize", "no",
            "--save", "", "--appendonly", "no", "--dir", workdir,
        ]  # fmt: skip

    for _attempt in range(PORT_ATTEMPTS):
        port = free_port()
        with open(log, "ab") as log_file:
            proc = subprocess.Popen(
                server_command(port),
                cwd=workdir,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                preexec_fn=_die_with_parent(signal.SIGTERM),
            )
        deadline = time.monotonic() + READY_TIMEOUT
        while proc.poll() is None and time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=2) as conn:
                    conn.sendall(b"PING\r\n")
                    if conn.recv(64).startswith(b"+PONG"):
                        break
            except OSError:
                pass
            time.sleep(0.05)
        else:
            _stop(proc, signal.SIGTERM)
            continue
        stack.callback(_stop, proc, signal.SIGTERM)
        return f"redis://127.0.0.1:{port}/0", f"throwaway server {version} on 127.0.0.1:{port}"
    raise RuntimeError(f"Redis did not start; its log ends with:\n{_tail(log)}")


# --- Components ---------------------------------------------------------------------------


def provide_services(env: dict[str, str], stack: contextlib.ExitStack) -> list[str]:
    """Fill DATABASE_URL and CELERY_BROKER_URL in `env`; print one line per component;
    return the names of the components that are missing."""
    missing = []
    consequence = "its tests will fail (CI=true)" if ON_CI else "its tests will skip"

    url = env.get("DATABASE_URL", "").strip()
    if url:
        engine = "PostgreSQL" if url.startswith(("postgres", "pgsql")) else "not PostgreSQL"
        say(f"PostgreSQL: DATABASE_URL from the environment ({engine}: {_redact(url)})")
        if engine != "PostgreSQL":
            missing.append("PostgreSQL")
    else:
        try:
            url, text = start_throwaway_postgres(stack)
            env["DATABASE_URL"] = url
            say(f"PostgreSQL: {text}")
        except ComponentMissing as exc:
            say(f"PostgreSQL: {exc}; {consequence}")
            missing.append("PostgreSQL")

    url = env.get("CELERY_BROKER_URL", "").strip()
    if url:
        say(f"Redis: CELERY_BROKER_URL from the environment ({_redact(url)})")
    else:
        try:
            url, text = start_throwaway_redis(stack)
            env["CELERY_BROKER_URL"] = url
            say(f"Redis: {text}")
        except ComponentMissing as exc:
            say(f"Redis: {exc}; {consequence}")
            missing.append("Redis")

    chromium = env.get("CHROMIUM_PATH") or DEFAULT_CHROMIUM
    if Path(chromium).exists():
        say(f"Chromium: {chromium}")
    else:
        say(f"Chromium: {chromium} not installed (apt-get install chromium); {consequence}")
        missing.append("Chromium")
    return missing


# --- Steps --------------------------------------------------------------------------------


def run(command: list, env: dict[str, str]) -> int:
    """Run a command in the project folder and return its exit status.

    Ctrl-C reaches the child too (same process group), so on KeyboardInterrupt wait for it;
    on anything else (SIGTERM to this script) stop it before the servers are cleaned up.
    """
    proc = subprocess.Popen([str(part) for part in command], cwd=ROOT, env=env)
    try:
        return proc.wait()
    except KeyboardInterrupt:
        # The child got the same Ctrl-C: let it finish its report rather than interrupt it
        # a second time.
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        raise
    except BaseException:
        _stop(proc, signal.SIGTERM, timeout=10)
        raise


def step(title: str, command: list, env: dict[str, str], timings: list) -> int:
    say(f"\n==> {title}")
    started = time.monotonic()
    code = run(command, env)
    elapsed = time.monotonic() - started
    timings.append((title, elapsed, code))
    if code:
        say(f"==> {title}: failed (exit {code}) after {elapsed:.1f} s")
    return code


def production_like(env: dict[str, str]) -> dict[str, str]:
    """Settings as on a production server, for `check --deploy`."""
    import secrets

    return {
        **env,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "lssc.example.org",
        "SITE_URL": "https://lssc.example.org",
    }


def main(argv: list[str]) -> int:
    pytest_args = argv[1:]
    if pytest_args[:1] == ["--"]:
        pytest_args = pytest_args[1:]

    def terminate(signum, _frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, terminate)
    signal.signal(signal.SIGHUP, terminate)

    started = time.monotonic()
    timings: list[tuple[str, float, int]] = []
    with contextlib.ExitStack() as stack:
        env = dict(os.environ)
        missing = provide_services(env, stack)
        scratch = Path(tempfile.mkdtemp(prefix="lssc-test-"))
        stack.callback(shutil.rmtree, scratch, ignore_errors=True)
        manage = [PYTHON, ROOT / "manage.py"]
        debug_env = {**env, "DEBUG": "1"}
        test_env = {
            **debug_env,
            "FILE_STORAGE": "local",
            "PRIVATE_MEDIA_ROOT": str(scratch / "private"),
            "CACHE_URL": "locmemcache://",
            "EMAIL_URL": "memorymail://",
            # Playwright's sync API runs an event loop in the test thread.
            "DJANGO_ALLOW_ASYNC_UNSAFE": "true",
            "DJANGO_LIVE_TEST_SERVER_ADDRESS": "127.0.0.1",
        }

        checks = [
            ("ruff check", [PYTHON, "-m", "ruff", "check", "."], env),
            ("ruff format --check", [PYTHON, "-m", "ruff", "format", "--check", "."], env),
            (
                "makemigrations --check",
                [*manage, "makemigrations", "--check", "--dry-run"],
                debug_env,
            ),
            (
                "check --deploy (production-like settings)",
                [*manage, "check", "--deploy", "--fail-level", "WARNING"],
                production_like(env),
            ),
        ]
        for title, command, step_env in checks:
            code = step(title, command, step_env, timings)
            if code:
                return code

        code = step("pytest", [PYTHON, "-m", "pytest", *pytest_args], test_env, timings)

    say("\n==> Timings")
    for title, elapsed, status in timings:
        say(f"    {elapsed:6.1f} s  {title}{'' if status == 0 else f'  (exit {status})'}")
    say(f"    {time.monotonic() - started:6.1f} s  in all")
    if code == 5:
        say("pytest collected no tests: that counts as a failure.")
        return 1
    if code == 0 and ON_CI and missing:
        say(f"CI=true and missing: {', '.join(missing)}. Install them (see .ci/run).")
        return 1
    return code


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except KeyboardInterrupt:
        sys.exit(130)
