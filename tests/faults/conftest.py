"""Real processes for the fault-injection tests: a private redis-server on a free port (never
the shared one), a Celery worker (with its embedded beat, so the outbox relay runs every few
seconds as in production) and a gunicorn web server, all pointed at pytest's PostgreSQL test
database. Each fixture kills what it started."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from tests.brokers import using_broker

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, timeout: float, what: str, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def database_url() -> str:
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgres://{s['USER']}{password}@{s['HOST']}:{s['PORT'] or 5432}/{s['NAME']}"


def stop(process: subprocess.Popen, sig=signal.SIGTERM, timeout: float = 15) -> None:
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


class Redis:
    """A throw-away redis-server that the test stops and starts again on the same port."""

    def __init__(self, tmp: Path):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.tmp = tmp
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.tmp),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self._answers, 10, "redis-server")

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process:
            stop(self.process)
            self.process = None


@pytest.fixture
def redis(tmp_path):
    if not shutil.which("redis-server"):
        pytest.skip("needs redis-server (fault-injection tests)")
    server = Redis(tmp_path)
    server.start()
    yield server
    server.stop()


def _env(settings, **extra) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        PYTHONPATH=str(ROOT),
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=database_url(),
        PRIVATE_MEDIA_ROOT=str(settings.PRIVATE_MEDIA_ROOT),
        DJANGO_LOG_LEVEL="WARNING",
    )
    env.update(extra)
    return env


class Worker:
    def __init__(self, process: subprocess.Popen, log: Path):
        self.process, self.log = process, log

    def children(self) -> list[int]:
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(p) for p in path.read_text().split()] if path.exists() else []

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@pytest.fixture
def broker(redis):
    """This test process sends to the private redis (tasks no longer eager)."""
    with using_broker(redis.url):
        yield redis


def _start_worker(settings, tmp_path, broker, *, beat: bool):
    log = tmp_path / "worker.log"
    command = [str(BIN / "celery"), "-A", "config", "worker", "-P", "prefork", "-c", "1"]
    if beat:  # embedded beat: the outbox relay every OUTBOX_RELAY_SECONDS, as in production
        command += ["-B", "-s", str(tmp_path / "beat-schedule")]
    command += ["-l", "info", "--without-gossip", "--without-mingle", "-n", f"f{os.getpid()}@%h"]
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=_env(settings, CELERY_BROKER_URL=broker.url, OUTBOX_RELAY_SECONDS="2"),
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    handle = Worker(process, log)
    try:
        wait_for(lambda: " ready." in handle.output(), 60, "the Celery worker")
        yield handle
    finally:
        stop(process, signal.SIGTERM, timeout=20)
        for pid in handle.children():  # an orphaned pool child, if any
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


@pytest.fixture
def worker(broker, settings, tmp_path):
    """One prefork worker process (concurrency 1): its only child is the pool process."""
    yield from _start_worker(settings, tmp_path, broker, beat=False)


@pytest.fixture
def worker_with_beat(broker, settings, tmp_path):
    """The same with the beat schedule embedded (a second child process)."""
    yield from _start_worker(settings, tmp_path, broker, beat=True)


@pytest.fixture
def web(settings, tmp_path):
    """gunicorn serving the app (tasks in-process, no broker), persistent database
    connections as in production."""
    port = free_port()
    log = tmp_path / "web.log"
    process = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "config.wsgi:application",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "1",
            "--threads",
            "4",
            "--access-logfile",
            "-",
        ],
        cwd=ROOT,
        env=_env(settings, CELERY_BROKER_URL="", DATABASE_CONN_MAX_AGE="600"),
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"

    def up() -> bool:
        import urllib.request

        try:
            return urllib.request.urlopen(f"{base}/healthz/", timeout=2).status == 200
        except OSError:
            return False

    try:
        wait_for(up, 60, "gunicorn")
        yield base, log
    finally:
        stop(process)
