"""A real province server for the sync tests: throwaway PostgreSQL database + uvicorn child.

PostgreSQL must be reachable (``PROVINCE_TEST_ADMIN_URL``, default the local ``postgres``
superuser over TCP): if it is not, every test here fails with a message saying so — they are
never skipped silently.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import psycopg
import pytest

from counter_app.app import open_station
from counter_app.domain.clock import FixedClock
from counter_app.services.station import StationContext
from counter_app.sync.client import HttpSyncClient
from counter_app.sync.engine import enrol, sync_settings
from province_server.stations import service
from province_server.testing import PostgresUnavailableError, ServerProcess, ThrowawayDatabase

ADMIN_TOKEN = "test-admin-token-0123456789"
_NUMBERS = itertools.count(1)
_AGENCIES = itertools.count(20)


def new_station_number() -> int:
    return next(_NUMBERS)


def new_agency() -> str:
    """A fresh agency identifier, so tests sharing the database never see each other."""
    return f"000.00.{next(_AGENCIES)}.H56"


@pytest.fixture(scope="session")
def province_db() -> Iterator[str]:
    database = ThrowawayDatabase()
    problem = ""
    try:
        url = database.create()
    except PostgresUnavailableError as error:
        problem = str(error)
    if problem:
        pytest.fail(problem, pytrace=False)
    yield url
    database.drop()


@pytest.fixture(scope="session")
def server(province_db: str) -> Iterator[ServerProcess]:
    process = ServerProcess(province_db, env={"PROVINCE_ADMIN_TOKEN": ADMIN_TOKEN})
    process.start()
    yield process
    process.stop()


@pytest.fixture
def pg(province_db: str) -> Iterator[psycopg.Connection]:
    with psycopg.connect(province_db, autocommit=True) as conn:
        yield conn


IssueCode = Callable[..., service.IssuedCode]


@pytest.fixture(scope="session")
def issue_code(province_db: str) -> IssueCode:
    """Issue a one-time code for a new station number (each test gets fresh numbers)."""

    def issue(agency: str, number: int | None = None) -> service.IssuedCode:
        with psycopg.connect(province_db, autocommit=True) as conn:
            return service.issue_code(
                conn,
                agency_id=agency,
                station_number=number or new_station_number(),
                ttl_hours=1,
                unit_name="UBND xã Minh Hòa",
            )

    return issue


EnrolledStation = Callable[..., StationContext]


@pytest.fixture
def enrolled_station(
    tmp_path: Path, clock: FixedClock, server: ServerProcess, issue_code: IssueCode
) -> Iterator[EnrolledStation]:
    """Open a station in its own folder and enrol it with the server (closed at the end)."""
    opened: list[StationContext] = []
    default_agency = new_agency()

    def make(name: str, agency: str | None = None, url: str | None = None) -> StationContext:
        ctx = open_station(tmp_path / name, clock=clock)
        opened.append(ctx)
        issued = issue_code(agency or default_agency)
        with httpx.Client() as http:
            enrol(
                ctx, HttpSyncClient(server.url, None, http), url=url or server.url, code=issued.code
            )
        return ctx

    yield make
    for ctx in opened:
        ctx.store.close()


def client_for(ctx: StationContext, http: httpx.Client) -> HttpSyncClient:
    settings = sync_settings(ctx)
    return HttpSyncClient(settings["url"], settings["token"], http)
