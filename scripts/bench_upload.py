"""Benchmark: upload a 200 MB file through the real upload path and report how much the
server's memory grew. `make bench` runs it; it is not part of `make test`.

The site runs as `manage.py runserver --noreload --nothreading` in a subprocess on a free
loopback port, with a throwaway SQLite database and local private storage in a temporary
folder. A candidate with a portfolio is made through the services, the script logs in with a
session cookie, and streams a generated PDF-looking file (`%PDF-` then zeros) as a multipart
POST to /portfolios/<pk>/evidence/upload/. The server's peak resident memory is read from
/proc/<pid>/status (VmHWM, reset just before the upload) and, as a cross-check, sampled every
few milliseconds (VmRSS). The upload handler streams to a temporary file, so the growth must
stay under 30 MB; the script exits 1 above that.

`--control` checks the measurement itself: the same file is posted, with the same session and
CSRF token, to a URL that only the control server has (settings and URLconf in a module written
to the temporary folder, given to that server alone through DJANGO_SETTINGS_MODULE), whose view
reads the whole body into memory (`request.body`, with DATA_UPLOAD_MAX_MEMORY_SIZE off). Its
growth should be about the file's size, far above the limit: a near-zero number there would
mean the script cannot see memory growth at all. The control prints its growth and exits 0
when it is at least half the file's size, 1 otherwise.

Usage: .venv/bin/python scripts/bench_upload.py [--size-mb 200] [--limit-mb 30] [--control]
"""

from __future__ import annotations

import argparse
import http.client
import http.cookies
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MB = 1024 * 1024
BOUNDARY = "----lssc-bench-boundary-7f3a"
SETUP = """
from django.test import Client
from candidates import services as candidate_services
from portfolios import services
from tests.factories import candidacy_with_progress
candidacy = candidacy_with_progress(user__email="bench@example.org")
user = candidacy.user
row = candidacy.sets.select_related("competency_set").get(
    competency_set__code="cataloging-classification"
)
candidate_services.set_progress_choose_route(row, route="portfolio", by=user)
portfolio = services.portfolio_start(candidacy, competency_set=row.competency_set, by=user)
client = Client()
client.force_login(user)
cookie = client.cookies["sessionid"]
print("portfolio=" + str(portfolio.pk))
print("session=" + cookie.value)
"""
CONTROL_PATH = "/bench-control/"
# Only the control server imports these (from the temporary folder): the site's settings and
# URLs plus one view that holds the whole request body in memory, as the upload must not.
CONTROL_SETTINGS = """
from lssc.settings import *  # noqa: F403

ROOT_URLCONF = "bench_control_urls"
DATA_UPLOAD_MAX_MEMORY_SIZE = None  # let request.body read a body of any size
"""
CONTROL_URLS = f"""
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from lssc.urls import urlpatterns as site_urlpatterns


@csrf_exempt
def read_whole_body(request):
    body = request.body  # the whole upload, in memory
    return HttpResponse(f"read {{len(body)}} bytes", content_type="text/plain")


urlpatterns = [path("{CONTROL_PATH.strip("/")}/", read_whole_body), *site_urlpatterns]
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def memory(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM of `pid` in bytes."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in {"VmRSS", "VmHWM"}:
            values[key] = int(rest.split()[0]) * 1024
    return values


def reset_peak(pid: int) -> bool:
    """Reset VmHWM to the current RSS (Linux 4.0+); False where the kernel refuses."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        return False
    return True


class Sampler(threading.Thread):
    """Polls VmRSS of a process and keeps the largest value seen."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = 0
        self.running = True

    def run(self):
        while self.running:
            try:
                self.peak = max(self.peak, memory(self.pid)["VmRSS"])
            except (OSError, KeyError):
                return
            time.sleep(0.005)


def run_manage(env, *args, **kwargs) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        **kwargs,
    )
    if result.returncode:
        sys.exit(f"manage.py {args[0]} failed:\n{result.stderr}")
    return result.stdout


def wait_until_listening(port: int, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit("The server stopped while starting; see its log above.")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    sys.exit("The server did not start listening in time.")


def get_library(port: int, path: str, session: str) -> tuple[str, str]:
    """GET the library page: the CSRF cookie and the form's CSRF token."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", path, headers={"Cookie": f"sessionid={session}"})
    response = conn.getresponse()
    page = response.read().decode()
    if response.status != 200:
        sys.exit(f"GET {path} answered {response.status}.")
    cookies = http.cookies.SimpleCookie()
    for header in response.headers.get_all("Set-Cookie") or []:
        cookies.load(header)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    return cookies["csrftoken"].value, token


def upload(port: int, path: str, *, session: str, csrf_cookie: str, token: str, size: int):
    """Stream a multipart POST with a `size`-byte PDF-looking file; return (status, location)."""
    fields = {"csrfmiddlewaretoken": token, "title": "Bench", "kind": "primary", "description": ""}
    head = "".join(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
        for k, v in fields.items()
    )
    head += (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="bench.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    )
    tail = f"\r\n--{BOUNDARY}--\r\n".encode()
    head_bytes = head.encode()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    conn.putrequest("POST", path)
    conn.putheader("Content-Type", f"multipart/form-data; boundary={BOUNDARY}")
    conn.putheader("Content-Length", str(len(head_bytes) + size + len(tail)))
    conn.putheader("Cookie", f"sessionid={session}; csrftoken={csrf_cookie}")
    conn.putheader("Referer", f"http://127.0.0.1:{port}{path}")
    conn.endheaders()
    conn.send(head_bytes)
    first = b"%PDF-1.7\n"
    conn.send(first)
    chunk = b"\0" * MB
    left = size - len(first)
    while left:
        piece = chunk[: min(left, MB)]
        conn.send(piece)
        left -= len(piece)
    conn.send(tail)
    response = conn.getresponse()
    response.read()
    return response.status, response.getheader("Location", "")


def report_control(args, status, baseline, sampler, after, hwm_reset) -> int:
    """Print the control run's growth; 0 when it saw the body held in memory."""
    if status != 200:
        print(f"The control upload failed: HTTP {status}")
        return 2
    peak = max(sampler.peak, after["VmHWM"] if hwm_reset else 0)
    growth = (peak - baseline) / MB
    expected = args.size_mb / 2
    verdict = "OK" if growth >= expected else "FAIL"
    print(
        f"Control (whole body read into memory): {baseline / MB:.1f} MB before, peak "
        f"{peak / MB:.1f} MB."
    )
    print(
        f"control peak memory growth: {growth:.1f} MB (expected at least {expected:.0f} MB, "
        f"to show growth is measured): {verdict}"
    )
    return 0 if verdict == "OK" else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=int, default=200)
    parser.add_argument("--limit-mb", type=int, default=30)
    parser.add_argument(
        "--control",
        action="store_true",
        help="post the file to a view that reads it whole into memory, to show that the "
        "script does see memory growth",
    )
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="lssc-bench-"))
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("AWS_", "DATABASE_", "CELERY_")) and k != "FILE_STORAGE"
    }
    port = free_port()
    env.update(
        DEBUG="1",
        DATABASE_URL=f"sqlite:///{work / 'db.sqlite3'}",
        PRIVATE_MEDIA_ROOT=str(work / "private"),
        FILE_STORAGE="local",
        PORTFOLIO_MAX_FILE_MB="300",
        PORTFOLIO_MAX_TOTAL_MB="300",
        TMPDIR=str(work),  # where the upload handler's temporary file goes
        PYTHONUNBUFFERED="1",
    )
    server = None
    try:
        print(f"Preparing a throwaway site in {work} …")
        run_manage(env, "migrate", "--no-input", "-v", "0")
        printed = dict(
            line.split("=", 1)
            for line in run_manage(env, "shell", "-c", SETUP).splitlines()
            if "=" in line
        )
        path = f"/portfolios/{printed['portfolio']}/evidence/"
        log = (work / "server.log").open("w")
        server_env = env
        if args.control:
            (work / "bench_control_settings.py").write_text(CONTROL_SETTINGS)
            (work / "bench_control_urls.py").write_text(CONTROL_URLS)
            server_env = {
                **env,
                "DJANGO_SETTINGS_MODULE": "bench_control_settings",
                "PYTHONPATH": os.pathsep.join(filter(None, [str(work), env.get("PYTHONPATH")])),
            }
        server = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "runserver",
                "--noreload",
                "--nothreading",
                f"127.0.0.1:{port}",
            ],
            cwd=ROOT,
            env=server_env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        wait_until_listening(port, server)
        csrf_cookie, token = get_library(port, path, printed["session"])  # also warms up
        baseline = memory(server.pid)["VmRSS"]
        hwm_reset = reset_peak(server.pid)
        sampler = Sampler(server.pid)
        sampler.start()
        started = time.monotonic()
        status, location = upload(
            port,
            CONTROL_PATH if args.control else path + "upload/",
            session=printed["session"],
            csrf_cookie=csrf_cookie,
            token=token,
            size=args.size_mb * MB,
        )
        seconds = time.monotonic() - started
        sampler.running = False
        sampler.join()
        after = memory(server.pid)
        if args.control:
            return report_control(args, status, baseline, sampler, after, hwm_reset)
        if status != 302 or location.rstrip("/") != path.rstrip("/"):
            print((work / "server.log").read_text()[-3000:])
            print(f"The upload failed: HTTP {status} {location}")
            return 2
        stored = sum(p.stat().st_size for p in (work / "private").rglob("*") if p.is_file())
        peak = max(sampler.peak, after["VmHWM"] if hwm_reset else 0)
        growth = (peak - baseline) / MB
        print(
            f"Uploaded {args.size_mb} MB in {seconds:.1f} s ({args.size_mb / seconds:.0f} MB/s); "
            f"stored {stored / MB:.0f} MB."
        )
        print(
            f"Server memory: {baseline / MB:.1f} MB before, peak {peak / MB:.1f} MB "
            f"({'VmHWM reset before the upload' if hwm_reset else 'sampled VmRSS only'})."
        )
        verdict = "OK" if growth < args.limit_mb else "FAIL"
        print(f"peak memory growth: {growth:.1f} MB (limit {args.limit_mb} MB): {verdict}")
        return 0 if verdict == "OK" else 1
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
