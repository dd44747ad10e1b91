"""Running a real server locally: a throwaway database and a uvicorn child process.

Used by the tests (tests/server/conftest.py) and the benchmark (bench/bench_sync.py); no
mocks: a real PostgreSQL database migrated with the real Alembic revisions, and the real
``province-server serve`` command listening on a loopback port.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import psycopg
from psycopg import sql

from province_server.cli import migrate
from province_server.config import Settings

ADMIN_URL_ENV = "PROVINCE_TEST_ADMIN_URL"
DEFAULT_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
REPO_ROOT = Path(__file__).resolve().parents[1]


class PostgresUnavailableError(RuntimeError):
    """PostgreSQL cannot be reached with the admin URL (the message says how to fix it)."""


def admin_url() -> str:
    return os.environ.get(ADMIN_URL_ENV, DEFAULT_ADMIN_URL)


def _with_dbname(url: str, name: str) -> str:
    base, _, _ = url.rpartition("/")
    return f"{base}/{name}"


class ThrowawayDatabase:
    """``CREATE DATABASE <prefix>_<random>``, migrated to head; ``drop`` removes it."""

    def __init__(self, *, prefix: str = "province_test", admin: str | None = None) -> None:
        self.admin = admin or admin_url()
        self.name = f"{prefix}_{secrets.token_hex(4)}"
        self.url = _with_dbname(self.admin, self.name)

    def create(self) -> str:
        try:
            with psycopg.connect(self.admin, autocommit=True, connect_timeout=5) as conn:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.name)))
        except psycopg.OperationalError as exc:
            raise PostgresUnavailableError(
                f"PostgreSQL is not reachable at {self.admin} ({exc}). Start it, e.g. "
                "`pg_ctlcluster 15 main start`, or set "
                f"{ADMIN_URL_ENV} to a server where the user may CREATE DATABASE."
            ) from None
        migrate(Settings(database_url=self.url))
        return self.url

    def drop(self) -> None:
        with psycopg.connect(self.admin, autocommit=True, connect_timeout=5) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(self.name))
            )


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class ServerProcess:
    """``python -m province_server serve`` on 127.0.0.1:<port>, started and stopped at will.

    The port stays the same across restarts, so a station's enrolment URL stays valid.
    """

    def __init__(
        self,
        database_url: str,
        *,
        port: int | None = None,
        env: dict[str, str] | None = None,
        serve_args: tuple[str, ...] = (),
    ) -> None:
        self.database_url = database_url
        self.env = dict(env or {})
        self.serve_args = serve_args  # e.g. ("--access-log", "--log-level", "info")
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path = Path(tempfile.gettempdir()) / f"province-server-{self.port}.log"

    def start(self, *, timeout: float = 30.0) -> None:
        """Start and wait until /healthz answers 200 (RuntimeError with the log otherwise)."""
        env = {
            **os.environ,
            "PROVINCE_DATABASE_URL": self.database_url,
            "PYTHONPATH": str(REPO_ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
            **self.env,
        }
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "province_server",
                    "serve",
                    "--port",
                    str(self.port),
                    *self.serve_args,
                ],
                cwd=REPO_ROOT,
                env=env,
                stdout=log,  # uvicorn's access log (``--access-log``) goes to stdout
                stderr=log,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                err = self.log_path.read_text(errors="replace")[-4000:]
                raise RuntimeError(f"the province server exited at start:\n{err}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1.0).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        self.kill()
        raise RuntimeError(f"the province server did not answer /healthz within {timeout} s")

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL: no shutdown handler runs (what a power cut or OOM kill does)."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        """Terminate gracefully and remove the log file (``kill`` keeps it for a restart)."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.log_path.unlink(missing_ok=True)
