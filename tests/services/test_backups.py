"""Backups of every kind restored on real SQLite files: the next reception's code is new,
and events already sent are not sent again as new (real province server)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import httpx
import psycopg
import pytest

from counter_app.app import open_station
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.services import maintenance, numbering
from counter_app.services.intake import ReceptionRequest, receive_dossier
from counter_app.services.settings import read_settings, update_settings
from counter_app.services.station import StationContext
from counter_app.storage.store import KEEP_PER_KIND, parse_backup_name
from counter_app.sync.engine import run_sync
from tests.conftest import make_applicant
from tests.server.conftest import (  # noqa: F401  (fixtures of the real province server)
    EnrolledStation,
    client_for,
    enrolled_station,
    issue_code,
    province_db,
    server,
)
from tests.server.helpers import counts, local_events, server_events


def _receive(ctx: StationContext, count: int = 1) -> list[str]:
    request = ReceptionRequest(procedure_code="1.001193", applicant=make_applicant())
    codes = []
    for _ in range(count):
        dossier, _ = receive_dossier(ctx, request, officer="canbo")
        assert dossier.code is not None
        codes.append(dossier.code)
    return codes


def _seq(code: str) -> int:
    return int(code.rsplit("-", 1)[1])


OFFICE_PASSPHRASE = "mật khẩu sao lưu 2026"


def _set_backup_dir(ctx: StationContext, folder: str) -> None:
    update_settings(ctx, replace(read_settings(ctx), backup_dir=folder), officer="quantri")
    maintenance.set_backup_passphrase(ctx, OFFICE_PASSPHRASE, by="quantri")


@pytest.mark.parametrize("kind", ["daily", "exit", "manual", "usb"])
def test_restore_each_kind_then_the_next_code_is_new(
    station: StationContext, tmp_path: Path, kind: str
) -> None:
    usb = tmp_path / "usb"
    _set_backup_dir(station, str(usb))
    before = _receive(station, 2)
    outcome = maintenance.write_backup(
        station.store,
        kind="manual" if kind == "usb" else kind,
        extra_dir=maintenance.extra_backup_dir(station),
    )
    own = maintenance.extra_backup_dir(station)
    assert own is not None and own.parent == usb
    sealed_copy = outcome.copy_path  # a point of the chain, sealed (issues 16, 17)
    assert sealed_copy is not None and sealed_copy.name == outcome.path.name + ".sealed"
    assert outcome.copied and sealed_copy.exists() and not list(own.rglob(outcome.path.name))
    chosen = sealed_copy if kind == "usb" else outcome.path
    parsed = parse_backup_name(outcome.path)
    assert parsed is not None and parsed.kind == ("manual" if kind == "usb" else kind)
    printed = _receive(station, 3)  # printed after the backup, then the disk is lost

    info = maintenance.restore_station(station, chosen, officer="quantri")

    assert info.dossiers == 2 and info.last_code == before[-1]
    assert station.store.dossiers.count() == 2
    numbering.confirm_offline(station, officer="quantri")  # no sync here: the officer confirms
    new = _receive(station)[0]
    assert new not in before + printed
    assert _seq(new) > max(_seq(c) for c in before + printed)
    entry = station.store.audit.entries(limit=5)
    assert any(e["action"] == "restore" for e in entry)


def test_a_second_folder_out_of_reach_keeps_the_backup(station: StationContext, tmp_path: Path):  # type: ignore[no-untyped-def]
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file, like a USB stick that was pulled out and left a stale path")
    maintenance.set_backup_passphrase(station, OFFICE_PASSPHRASE, by="quantri")
    outcome = maintenance.write_backup(station.store, kind="daily", extra_dir=blocked / "usb")
    assert outcome.path.exists() and maintenance.describe_backup(outcome.path).dossiers == 0
    assert outcome.copy_error is not None
    assert outcome.copy_error.code is ErrorCode.BACKUP_COPY_FAILED
    assert outcome.copy_error.params["path"] == str(outcome.path)
    # The command line's manual backup says so too, after keeping and auditing its backup.
    with pytest.raises(DomainError) as refused:
        maintenance.backup(station, extra_dir=blocked / "usb", officer="canbo")
    assert refused.value.code is ErrorCode.BACKUP_COPY_FAILED
    assert len(station.store.backups()) == 2
    assert station.store.audit.entries(limit=1)[0]["action"] == "backup"


def test_each_kind_rotates_on_its_own(station: StationContext) -> None:
    daily = maintenance.write_backup(station.store, kind="daily", extra_dir=None).path
    exits = [
        maintenance.write_backup(station.store, kind="exit", extra_dir=None).path
        for _ in range(KEEP_PER_KIND["exit"] + 2)
    ]
    kept = station.store.backups()
    assert daily in kept
    assert [p for p in kept if "-exit." in p.name] == exits[-KEEP_PER_KIND["exit"] :]


def test_daily_backup_is_due_once_a_day(station: StationContext) -> None:
    now = station.clock.now()
    today = now.date()
    assert maintenance.daily_backup_due(station.store, today)
    maintenance.write_backup(station.store, kind="exit", extra_dir=None, now=now)
    assert maintenance.daily_backup_due(station.store, today)  # other kinds do not count
    maintenance.write_backup(station.store, kind="daily", extra_dir=None, now=now)
    assert not maintenance.daily_backup_due(station.store, today)
    assert maintenance.daily_backup_due(station.store, today.replace(day=today.day + 1))


def test_two_stations_sharing_one_usb_stick_keep_their_own_backups(
    station: StationContext, tmp_path: Path
) -> None:
    usb = tmp_path / "usb"
    other = open_station(tmp_path / "second-pc", clock=station.clock)  # type: ignore[arg-type]
    try:
        for ctx in (station, other):
            _set_backup_dir(ctx, str(usb))
        for _ in range(KEEP_PER_KIND["manual"] + 2):
            maintenance.write_backup(
                other.store, kind="manual", extra_dir=maintenance.extra_backup_dir(other)
            )
        mine = maintenance.write_backup(
            station.store, kind="manual", extra_dir=maintenance.extra_backup_dir(station)
        )
        for _ in range(3):
            maintenance.write_backup(
                other.store, kind="manual", extra_dir=maintenance.extra_backup_dir(other)
            )
        own = maintenance.extra_backup_dir(station)
        theirs = maintenance.extra_backup_dir(other)
        assert own is not None and theirs is not None and own != theirs
        assert mine.copy_path is not None and mine.copy_path.is_relative_to(own)
        assert mine.copy_path.exists()  # not rotated away by the other PC
        kept = list(theirs.rglob("counter-*-manual.qmcb.sealed"))
        assert len(kept) == KEEP_PER_KIND["manual"] + 1  # and the base the chain starts from
    finally:
        other.store.close()


def test_restore_list_shows_both_places(station: StationContext, tmp_path: Path) -> None:
    _set_backup_dir(station, str(tmp_path / "usb"))
    code = _receive(station)[0]
    maintenance.write_backup(
        station.store, kind="daily", extra_dir=maintenance.extra_backup_dir(station)
    )
    (station.store.data_dir / "backups" / "counter-20200101-000000-000000-manual.db").write_text(
        "not a database"
    )
    entries = maintenance.list_restorable(station)
    readable = [e for e in entries if e.info is not None]
    assert {e.in_extra_dir for e in readable} == {False}
    assert [e.in_extra_dir for e in entries if e.sealed] == [True]  # the stick's: sealed
    assert all(e.info.last_code == code and e.info.dossiers == 1 for e in readable if e.info)
    assert [e.info for e in entries if e.path.name.startswith("counter-2020")] == [None]


def test_second_folder_must_be_an_absolute_path(station: StationContext) -> None:
    with pytest.raises(DomainError) as refused:
        _set_backup_dir(station, "usb/backups")
    assert refused.value.code is ErrorCode.BACKUP_DIR_INVALID
    assert station.setting("backup_dir", None) is None
    _set_backup_dir(station, "  ")
    assert station.setting("backup_dir", None) == ""


@pytest.mark.server
def test_restore_then_sync_sends_nothing_twice_as_new(
    enrolled_station: EnrolledStation,  # noqa: F811
    province_db: str,  # noqa: F811
) -> None:
    ctx = enrolled_station("restored")
    _receive(ctx, 2)
    backup = maintenance.write_backup(ctx.store, kind="daily", extra_dir=None).path
    with httpx.Client() as http, psycopg.connect(province_db, autocommit=True) as pg:
        first = run_sync(ctx, client_for(ctx, http))
        assert first.ok and first.duplicates == 0
        _receive(ctx, 2)
        assert run_sync(ctx, client_for(ctx, http)).ok
        station_id = ctx.office().station_id
        sent_before = server_events(pg, station_id)
        events_before, _ = counts(pg)

        with ctx.store.db.atomic():  # a restore is the admin's (enrolment locked the demo's)
            ctx.store.officers.set_active("quantri", True)
        maintenance.restore_station(ctx, backup, officer="quantri")
        resent = ctx.store.sync.waiting()  # the backup's queue: already on the server
        assert resent == first.pushed
        numbering.confirm_offline(ctx, officer="quantri")  # minting waits after a restore
        new_codes = _receive(ctx)
        queued_new = ctx.store.sync.waiting() - resent
        report = run_sync(ctx, client_for(ctx, http))

        assert report.ok and report.rejected == 0
        assert report.duplicates == resent  # sent again, recognised, not stored again
        assert report.pushed == queued_new  # only the new reception's events are new
        assert counts(pg)[0] == events_before + queued_new
        after = server_events(pg, station_id)
        assert {k: v for k, v in after.items() if k in sent_before} == sent_before
        local = local_events(ctx)
        assert set(local) <= set(after)  # everything held here is on the server once
        assert ctx.store.dossiers.by_code(new_codes[0]) is not None
