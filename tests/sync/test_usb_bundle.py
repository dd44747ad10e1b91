"""USB sync bundles (issue 15 item 2) between real SQLite stations and a real PostgreSQL
province (its server on loopback for enrolment and the office's online station).

A station with no link for 30 simulated days exports twice; the province imports both
bundles (and one of them twice), the station imports the return bundles: its outbox is empty,
the province holds each event once, both sides project the same dossiers, the high-water
marks of its codes are known on both sides, and the office's other events reached it. A
tampered, truncated, foreign or misdirected bundle is refused with its own message and
changes nothing on either side.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import httpx
import psycopg
import pytest

from counter_app.app import open_station
from counter_app.domain.clock import FixedClock
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.domain.models import VN_TZ
from counter_app.services.actions import Action, record_action
from counter_app.services.station import StationContext
from counter_app.storage.blob_sync import BlobSyncRepository
from counter_app.storage.bundle_repository import BundleRepository
from counter_app.storage.recovery import code_counter_name
from counter_app.sync.client import HttpSyncClient
from counter_app.sync.engine import _Tally, apply_remote_events, enrol, run_sync, sync_settings
from counter_app.sync.usb_bundle import (
    PROVINCE_KEY,
    export_bundle,
    import_return,
    station_keys,
)
from counter_app.texts import error_message
from province_server.stations.service import revoke
from province_server.sync import bundles
from province_server.testing import REPO_ROOT, ServerProcess
from sync_protocol import bundle as wire
from tests.server import conftest as server_fixtures
from tests.server.conftest import ADMIN_TOKEN, IssueCode, new_agency
from tests.server.helpers import local_events, receive, server_events

province_db = server_fixtures.province_db
issue_code = server_fixtures.issue_code
pg = server_fixtures.pg

START = datetime(2026, 3, 2, 8, 0, tzinfo=VN_TZ)


@pytest.fixture(scope="module")
def key_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("province-keys") / "bundle-keys.json"
    bundles.generate_keys(path)
    return path


@pytest.fixture(scope="module")
def bundle_server(province_db: str, key_file: Path) -> Iterator[ServerProcess]:
    """The province server with bundle keys (their public half goes out at enrolment)."""
    process = ServerProcess(
        province_db,
        env={"PROVINCE_ADMIN_TOKEN": ADMIN_TOKEN, "PROVINCE_BUNDLE_KEY_FILE": str(key_file)},
    )
    process.start()
    yield process
    process.stop()


@pytest.fixture
def office(
    tmp_path: Path,
    bundle_server: ServerProcess,
    issue_code: IssueCode,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[tuple[StationContext, Callable[[], StationContext], FixedClock]]:
    """An enrolled station with no link, and (made when asked) an online one of its office."""
    monkeypatch.setenv("COUNTER_APP_SECRETS", "file")  # shared with the command-line test
    clock = FixedClock(START)
    agency = new_agency()
    opened: list[StationContext] = []

    def make(name: str) -> StationContext:
        ctx = open_station(tmp_path / name, clock=clock)
        opened.append(ctx)
        with httpx.Client() as http:
            issued = issue_code(agency)
            client = HttpSyncClient(bundle_server.url, None, http)
            enrol(ctx, client, url=bundle_server.url, code=issued.code)
        return ctx

    yield make("offline"), lambda: make("online"), clock
    for ctx in opened:
        ctx.store.close()


def _sync_online(ctx: StationContext) -> None:
    settings = sync_settings(ctx)
    with httpx.Client() as http:
        report = run_sync(ctx, HttpSyncClient(settings["url"], settings["token"], http))
    assert report.ok, report.errors


def _work_days(ctx: StationContext, clock: FixedClock, days: int) -> None:
    """A few dossiers a day and a step of yesterday's, one simulated day after another."""
    for _ in range(days):
        clock.advance(days=1)
        for dossier in receive(ctx, 2):
            clock.advance(minutes=5)
            record_action(ctx, dossier, Action.HANDOVER, officer="canbo", payload={"to": "Tư pháp"})


def _import(province_db: str, data: bytes, key_file: Path) -> bundles.ImportResult:
    keys = bundles.province_keys(str(key_file))
    with psycopg.connect(province_db, autocommit=True) as conn:
        return bundles.import_bundle(conn, data, keys)


def _states(pg: psycopg.Connection, agency: str) -> dict[str, str]:
    rows = pg.execute(
        "SELECT dossier_uuid::text, status FROM dossier_states WHERE owner_agency = %s", (agency,)
    ).fetchall()
    return {r[0]: r[1] for r in rows}


def _local_states(ctx: StationContext) -> dict[str, str]:
    rows = ctx.store.db.conn.execute("SELECT uuid, status FROM dossiers").fetchall()
    return {r[0]: r[1] for r in rows}


def test_thirty_days_without_link(
    office: tuple[StationContext, Callable[[], StationContext], FixedClock],
    province_db: str,
    key_file: Path,
    pg: psycopg.Connection,
    tmp_path: Path,
) -> None:
    station, make_online, clock = office
    online = make_online()
    agency = station.office().agency_id
    station_id = station.office().station_id
    stick = tmp_path / "usb"
    stick.mkdir()
    # The office's online station works and syncs: the return bundle must bring this.
    receive(online, 3)
    _sync_online(online)

    _work_days(station, clock, 15)
    first = export_bundle(station, stick)
    assert first.number == 1 and first.events == 60 and first.earlier == 0
    _work_days(station, clock, 15)
    second = export_bundle(station, stick)
    assert second.number == 2 and second.events == 60  # only what is new: resumable
    assert second.earlier == 60  # the first bundle's events, listed (still unacknowledged)
    assert station.store.sync.waiting() == 120  # nothing left the outbox by exporting

    one = _import(province_db, first.path.read_bytes(), key_file)
    assert (one.accepted, one.duplicates, one.rejected, one.repeat) == (60, 0, 0, False)
    two = _import(province_db, second.path.read_bytes(), key_file)
    assert (two.accepted, two.duplicates, two.rejected) == (60, 0, 0)
    again = _import(province_db, first.path.read_bytes(), key_file)  # the same bundle twice
    assert (again.accepted, again.duplicates, again.repeat) == (0, 60, True)
    held = server_events(pg, station_id)
    assert len(held) == 120  # each event once
    assert held == {u: e for u, e in local_events(station).items() if e[3] == station_id}

    return_two = stick / "tra-ve-2.qmcsync"
    return_two.write_bytes(two.return_bundle)
    report = import_return(station, return_two)
    assert report.acknowledged == 120  # its own 60 and the first bundle's 60 (held there)
    assert report.pulled == 3 and report.rejected == 0  # the online station's dossiers
    assert station.store.sync.waiting() == 0

    # An older return bundle afterwards changes nothing (and doubles nothing).
    return_one = stick / "tra-ve-1.qmcsync"
    return_one.write_bytes(one.return_bundle)
    later = import_return(station, return_one)
    assert (later.acknowledged, later.pulled, later.waiting) == (0, 0, 0)
    events = station.store.db.conn.execute("SELECT count(*), count(DISTINCT uuid) FROM events")
    assert events.fetchone() == (123, 123)  # 120 own + the other station's 3

    # Same projection on both sides, for every dossier of the office.
    assert _local_states(station) == _states(pg, agency)
    assert len(_local_states(station)) == 63
    # High-water marks of the codes: the province's equal the station's counters.
    marks = pg.execute(
        "SELECT agency_id, day, high FROM code_high_water WHERE station_id = %s", (station_id,)
    ).fetchall()
    assert len(marks) == 30
    for mark_agency, day, high in marks:
        assert station.store.counters.current(code_counter_name(mark_agency, day)) == high == 2

    # The next export after the return carries nothing old.
    third = export_bundle(station, stick)
    assert (third.events, third.earlier) == (0, 0)


def test_lost_bundle_is_carried_again(
    office: tuple[StationContext, Callable[[], StationContext], FixedClock],
    province_db: str,
    key_file: Path,
    tmp_path: Path,
) -> None:
    """A stick lost on the way: the next return says which events never arrived; the export
    after it carries them again."""
    station, _online, clock = office
    _work_days(station, clock, 2)
    export_bundle(station, tmp_path)  # lost
    _work_days(station, clock, 1)
    second = export_bundle(station, tmp_path / "b2.qmcsync")
    result = _import(province_db, second.path.read_bytes(), key_file)
    (tmp_path / "r2.qmcsync").write_bytes(result.return_bundle)
    report = import_return(station, tmp_path / "r2.qmcsync")
    assert (report.acknowledged, report.resend, report.waiting) == (4, 8, 8)
    third = export_bundle(station, tmp_path / "b3.qmcsync")
    assert third.events == 8
    result = _import(province_db, third.path.read_bytes(), key_file)
    assert result.accepted == 8
    (tmp_path / "r3.qmcsync").write_bytes(result.return_bundle)
    assert import_return(station, tmp_path / "r3.qmcsync").waiting == 0


def test_only_the_newest_return_bundles_are_kept(
    office: tuple[StationContext, Callable[[], StationContext], FixedClock],
    province_db: str,
    key_file: Path,
    bundle_server: ServerProcess,
    pg: psycopg.Connection,
    tmp_path: Path,
) -> None:
    """A newer return bundle supersedes the older ones of its station: the province keeps the
    newest KEEP_RETURNS, an older link answers 410 in Vietnamese, and the station importing
    only the newest return still ends with nothing waiting."""
    station, _online, clock = office
    imported = []
    for n in range(bundles.KEEP_RETURNS + 1):
        _work_days(station, clock, 1)
        made = export_bundle(station, tmp_path / f"b{n}.qmcsync")
        imported.append(_import(province_db, made.path.read_bytes(), key_file))
    held = pg.execute(
        "SELECT id FROM bundle_imports WHERE id = ANY(%s) AND return_bundle IS NOT NULL"
        " ORDER BY id",
        ([r.import_id for r in imported],),
    ).fetchall()
    assert [row[0] for row in held] == [r.import_id for r in imported[1:]]
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    with httpx.Client(base_url=bundle_server.url, headers=admin, timeout=30) as http:
        first = http.get(f"/dashboard/bundles/{imported[0].import_id}/return")
        assert first.status_code == 410 and "đã được thay bằng gói trả về mới hơn" in first.text
        newest = http.get(f"/dashboard/bundles/{imported[-1].import_id}/return")
        assert newest.status_code == 200
    (tmp_path / "newest.qmcsync").write_bytes(newest.content)
    assert import_return(station, tmp_path / "newest.qmcsync").waiting == 0


def _counts(pg: psycopg.Connection) -> tuple[int, int, int]:
    row = pg.execute(
        "SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM bundle_imports),"
        " (SELECT count(*) FROM station_bundle_keys)"
    ).fetchone()
    assert row is not None
    return int(row[0]), int(row[1]), int(row[2])


def _flip(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :]


def test_damaged_station_bundles_are_refused(
    office: tuple[StationContext, Callable[[], StationContext], FixedClock],
    province_db: str,
    key_file: Path,
    pg: psycopg.Connection,
    tmp_path: Path,
) -> None:
    station, _online, clock = office
    _work_days(station, clock, 1)
    data = export_bundle(station, tmp_path / "b.qmcsync").path.read_bytes()
    before = _counts(pg)
    header_end = 12 + int.from_bytes(data[8:12], "big")
    cases = {
        "truncated": data[: len(data) // 2],
        "truncated-end": data[:-1],
        "empty": b"",
        "body byte": _flip(data, header_end + 40),
        "signature byte": _flip(data, len(data) - 3),
        "header byte": _flip(data, 30),
        "appended": data + b"\x00",
        "not a bundle": b"PK\x03\x04 a zip file",
    }
    expected = {
        "truncated": wire.TRUNCATED,
        "truncated-end": wire.TRUNCATED,
        "empty": wire.TRUNCATED,
        "body byte": wire.TAMPERED,
        "signature byte": wire.TAMPERED,
        "header byte": wire.TAMPERED,
        "appended": wire.TAMPERED,
        "not a bundle": wire.NOT_A_BUNDLE,
    }
    for name, damaged in cases.items():
        with pytest.raises(bundles.BundleRefusedError) as caught:
            _import(province_db, damaged, key_file)
        assert caught.value.code == expected[name], name
    # Encrypted for another province: its key cannot open it.
    other = bundles.import_bundle
    with (
        psycopg.connect(province_db, autocommit=True) as conn,
        pytest.raises(bundles.BundleRefusedError) as caught,
    ):
        other(conn, data, wire.BundleKeys.generate())
    assert caught.value.code == wire.WRONG_SIGNER
    # A station bundle signed with a key the station never proved (a forger without the
    # token): its proof does not verify.
    header = wire.read_header(data)
    forger = wire.BundleKeys.generate()
    province = wire.PublicKeys.parse(
        wire.BundleKeys.from_secret_text(key_file.read_text()).public_text()
    )
    forged = wire.seal(
        wire.BundleHeader(
            **{
                **{f: getattr(header, f) for f in wire.BundleHeader.__dataclass_fields__},
                "signer": forger.public().signing,
                "recipient": province.agreement,
                "proof": "0" * 64,
            }
        ),
        {"batches": [], "cursor": 0, "reference_version": 0, "earlier": [], "waiting": 0},
        signer=forger,
    )
    with pytest.raises(bundles.BundleRefusedError) as caught:
        _import(province_db, forged, key_file)
    assert caught.value.code == bundles.UNKNOWN_KEY
    # Signed by the station itself, but naming another office: refused.
    own = station_keys(station, create=False)
    assert own is not None
    secret = wire.BundleKeys.from_secret_text(key_file.read_text())
    content = wire.open_bundle(data, signer=header.signer, recipient=secret)
    fields = {f: getattr(header, f) for f in wire.BundleHeader.__dataclass_fields__}
    other_office = wire.seal(
        wire.BundleHeader(**{**fields, "agency_id": "000.00.99.H56"}), content, signer=own
    )
    with pytest.raises(bundles.BundleRefusedError) as caught:
        _import(province_db, other_office, key_file)
    assert caught.value.code == bundles.FOREIGN_OFFICE
    assert _counts(pg) == before  # nothing stored, no key registered, no import recorded
    # A revoked station's bundle, otherwise perfect.
    revoke(pg, station.office().station_id)
    with pytest.raises(bundles.BundleRefusedError) as caught:
        _import(province_db, data, key_file)
    assert caught.value.code == bundles.REVOKED_STATION
    assert _counts(pg) == before
    assert "sửa đổi" in bundles_texts_refused(wire.TAMPERED)


def bundles_texts_refused(code: str) -> str:
    from province_server import texts

    return texts.bundle_refused(code)


def test_damaged_return_bundles_are_refused(
    office: tuple[StationContext, Callable[[], StationContext], FixedClock],
    province_db: str,
    key_file: Path,
    tmp_path: Path,
) -> None:
    station, make_online, clock = office
    _work_days(station, clock, 1)
    exported = export_bundle(station, tmp_path / "b.qmcsync")
    good = _import(province_db, exported.path.read_bytes(), key_file).return_bundle
    snapshot = station.store.db.conn.execute(
        "SELECT (SELECT count(*) FROM outbox), (SELECT count(*) FROM events),"
        " (SELECT value FROM config WHERE key = 'sync_cursor')"
    ).fetchone()
    target = tmp_path / "r.qmcsync"
    cases = {
        ErrorCode.BUNDLE_TRUNCATED: good[:-100],
        ErrorCode.BUNDLE_TAMPERED: _flip(good, len(good) - 200),
        ErrorCode.BUNDLE_NOT_A_BUNDLE: b"hello",
        ErrorCode.BUNDLE_WRONG_KIND: exported.path.read_bytes(),  # its own bundle back
    }
    for code, damaged in cases.items():
        target.write_bytes(damaged)
        with pytest.raises(DomainError) as caught:
            import_return(station, target)
        assert caught.value.code == code
        assert "Không có gì thay đổi" in error_message(caught.value)
    # The return bundle of another station of the office.
    online_bundle = export_bundle(make_online(), tmp_path / "o.qmcsync")
    target.write_bytes(
        _import(province_db, online_bundle.path.read_bytes(), key_file).return_bundle
    )
    with pytest.raises(DomainError) as caught:
        import_return(station, target)
    assert caught.value.code == ErrorCode.BUNDLE_OTHER_STATION
    after = station.store.db.conn.execute(
        "SELECT (SELECT count(*) FROM outbox), (SELECT count(*) FROM events),"
        " (SELECT value FROM config WHERE key = 'sync_cursor')"
    ).fetchone()
    assert after == snapshot
    target.write_bytes(good)
    assert import_return(station, target).waiting == 0


def test_command_lines(
    office: tuple[StationContext, Callable[[], StationContext], FixedClock],
    province_db: str,
    key_file: Path,
    tmp_path: Path,
) -> None:
    """counter-app export-bundle / import-bundle and province-server import-bundle, each in
    its own process, print JSON and say what they did in Vietnamese."""
    station, _online, clock = office
    _work_days(station, clock, 1)
    data_dir = station.store.data_dir
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO_ROOT),
        "PROVINCE_DATABASE_URL": province_db,
        "PROVINCE_BUNDLE_KEY_FILE": str(key_file),
        "COUNTER_APP_SECRETS": "file",
    }
    bundle = tmp_path / "goi.qmcsync"

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", *args], env=env, capture_output=True, text=True, timeout=60
        )

    out = run("counter_app", "--data-dir", str(data_dir), "export-bundle", str(bundle))
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["events"] == 4
    assert "Đã xuất gói đồng bộ số 1" in out.stderr
    back = tmp_path / "tra-ve.qmcsync"
    out = run("province_server", "import-bundle", str(bundle), "--out", str(back))
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["accepted"] == 4
    assert "4 sự kiện mới được lưu" in out.stderr
    cut = tmp_path / "cut.qmcsync"
    cut.write_bytes(bundle.read_bytes()[:-10])
    out = run("province_server", "import-bundle", str(cut))
    assert (
        out.returncode == 2 and "bị cắt cụt" in out.stderr and "Không có gì thay đổi" in out.stderr
    )
    out = run("counter_app", "--data-dir", str(data_dir), "import-bundle", str(back))
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["waiting"] == 0
    assert "Không còn thay đổi nào chờ gửi" in out.stderr


def test_dashboard_upload_form(
    office: tuple[StationContext, Callable[[], StationContext], FixedClock],
    bundle_server: ServerProcess,
    pg: psycopg.Connection,
    tmp_path: Path,
) -> None:
    """The administrator uploads the bundle on /dashboard/bundles and downloads the return."""
    station, _online, clock = office
    _work_days(station, clock, 1)
    data = export_bundle(station, tmp_path / "b.qmcsync").path.read_bytes()
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    with httpx.Client(base_url=bundle_server.url, headers=admin, timeout=30) as http:
        assert http.get("/dashboard/bundles", headers={"Authorization": ""}).status_code == 401
        shown = http.get("/dashboard/bundles")
        assert shown.status_code == 200 and 'enctype="multipart/form-data"' in shown.text
        form = re.search(r'name="form" value="([^"]+)"', shown.text)
        assert form is not None
        fields = {"form": form.group(1)}
        before = _counts(pg)
        cut = http.post(
            "/dashboard/bundles", data=fields, files={"bundle": ("b.qmcsync", data[:-7])}
        )
        assert cut.status_code == 422 and "bị cắt cụt" in cut.text
        assert "Không có gì thay đổi" in cut.text and _counts(pg) == before
        wrong = http.post(
            "/dashboard/bundles", data={"form": "x"}, files={"bundle": ("b.qmcsync", data)}
        )
        assert wrong.status_code == 400 and _counts(pg) == before
        done = http.post("/dashboard/bundles", data=fields, files={"bundle": ("b.qmcsync", data)})
        assert done.status_code == 200, done.text
        assert "4 sự kiện mới được lưu" in done.text
        link = re.search(r'id="return" href="([^"]+)"', done.text)
        assert link is not None
        returned = http.get(link.group(1))
        assert returned.status_code == 200
        assert "attachment" in returned.headers["content-disposition"]
    back = tmp_path / "tra-ve.qmcsync"
    back.write_bytes(returned.content)
    assert import_return(station, back).waiting == 0


def test_scans_travel_in_the_bundle(
    office: tuple[StationContext, Callable[[], StationContext], FixedClock],
    province_db: str,
    key_file: Path,
    pg: psycopg.Connection,
    tmp_path: Path,
) -> None:
    """Scans not yet uploaded go in the bundle once; the province stores them through the
    upload's function, and the return takes them out of the station's upload queue."""
    station, _online, clock = office
    _work_days(station, clock, 1)
    scans = [os.urandom(300_000), b"%PDF-1.7 a small signed receipt"]
    with station.store.db.atomic():
        names = [
            station.store.blobs.put(scans[0], "image/jpeg", at=clock.now()),
            station.store.blobs.put(scans[1], "application/pdf", at=clock.now()),
        ]
    queue = BlobSyncRepository(station.store.db, station.store.blobs)
    assert queue.waiting() == 2
    first = export_bundle(station, tmp_path / "b1.qmcsync")
    assert first.scans == 2 and "2 bản quét chưa gửi" in first.message
    second = export_bundle(station, tmp_path / "b2.qmcsync")
    assert second.scans == 0  # resumable: not carried twice
    result = _import(province_db, first.path.read_bytes(), key_file)
    assert result.scans == 2
    agency = station.office().agency_id
    held = pg.execute(
        "SELECT sha256, size, complete FROM attachments WHERE agency_id = %s ORDER BY size",
        (agency,),
    ).fetchall()
    assert sorted(held) == sorted([(names[0], 300_000, True), (names[1], len(scans[1]), True)])
    again = _import(province_db, first.path.read_bytes(), key_file)  # nothing stored twice
    assert again.scans == 2
    chunks = pg.execute(
        "SELECT sum(length(data)) FROM attachment_chunks WHERE agency_id = %s", (agency,)
    ).fetchone()
    assert chunks == (300_000 + len(scans[1]),)  # each byte once
    back = tmp_path / "r1.qmcsync"
    back.write_bytes(result.return_bundle)
    report = import_return(station, back)
    assert report.scans == 2 and queue.waiting() == 0
    assert "đã nhận 2 bản quét" in report.message


def test_station_enrolled_before_bundles_gets_the_key_online(
    office: tuple[StationContext, Callable[[], StationContext], FixedClock],
    key_file: Path,
) -> None:
    """The enrolment answer carries the province's key; a station enrolled before that gets
    it with its next online sync (the reference answer), even when nothing else changed."""
    station, _online, _clock = office
    repo = BundleRepository(station.store.db)
    expected = wire.BundleKeys.from_secret_text(key_file.read_text()).public_text()
    assert repo.state()[PROVINCE_KEY] == expected  # from the enrolment
    with station.store.db.atomic():
        repo.set_state(**{PROVINCE_KEY: ""})
    with pytest.raises(DomainError) as caught:
        export_bundle(station, Path("unused.qmcsync"))
    assert caught.value.code == ErrorCode.BUNDLE_PROVINCE_KEY_MISSING
    _sync_online(station)
    _sync_online(station)  # the second pull has nothing new but the key
    assert repo.state()[PROVINCE_KEY] == expected


def test_lan_relays_travel_in_the_bundle(
    office: tuple[StationContext, Callable[[], StationContext], FixedClock],
    province_db: str,
    key_file: Path,
    pg: psycopg.Connection,
    tmp_path: Path,
) -> None:
    """Events a counter learned from a peer of its office on the LAN (its relay queue) go
    in its bundle as a push sends them; the province judges each as its maker's, the return
    empties the relay queue, and the maker's own push later finds them stored."""
    station, make_online, clock = office
    peer = make_online()  # of the same office; its link is down too
    [dossier] = receive(peer, 1)
    learned = [peer.store.dossiers.sent(e) for e in peer.store.dossiers.events_of(dossier.uuid)]
    with station.store.db.atomic():  # what a LAN pull from the peer leaves
        apply_remote_events(station, learned, _Tally())
        station.store.sync.queue_relays([e.uuid for e in learned], at=clock.now())
    _work_days(station, clock, 1)
    assert station.store.sync.relays_waiting() == 1
    exported = export_bundle(station, tmp_path / "b.qmcsync")
    assert exported.events == 5  # its 4 and the relayed one
    result = _import(province_db, exported.path.read_bytes(), key_file)
    assert (result.accepted, result.rejected) == (5, 0)
    peer_id = peer.office().station_id
    assert set(server_events(pg, peer_id)) == {e.uuid for e in learned}
    (tmp_path / "r.qmcsync").write_bytes(result.return_bundle)
    import_return(station, tmp_path / "r.qmcsync")
    assert station.store.sync.relays_waiting() == 0 and station.store.sync.waiting() == 0
    settings = sync_settings(peer)
    with httpx.Client() as http:
        report = run_sync(peer, HttpSyncClient(settings["url"], settings["token"], http))
    assert (report.pushed, report.duplicates, report.waiting) == (0, 1, 0)


def test_scans_past_the_quota_wait_for_the_next_bundle(
    office: tuple[StationContext, Callable[[], StationContext], FixedClock],
    province_db: str,
    key_file: Path,
    tmp_path: Path,
) -> None:
    """The station's daily upload quota applies to bundles too: what it stops is reported
    not held, stays queued at the station, and the next export carries it again."""
    station, _online, clock = office
    with station.store.db.atomic():
        station.store.blobs.put(os.urandom(300_000), "image/jpeg", at=clock.now())
    queue = BlobSyncRepository(station.store.db, station.store.blobs)
    first = export_bundle(station, tmp_path / "b1.qmcsync")
    assert first.scans == 1
    keys = bundles.province_keys(str(key_file))
    with psycopg.connect(province_db, autocommit=True) as conn:
        refused = bundles.import_bundle(conn, first.path.read_bytes(), keys, quota=100_000)
    assert refused.scans == 0
    (tmp_path / "r1.qmcsync").write_bytes(refused.return_bundle)
    assert import_return(station, tmp_path / "r1.qmcsync").scans == 0
    assert queue.waiting() == 1
    second = export_bundle(station, tmp_path / "b2.qmcsync")
    assert second.scans == 1  # carried again
    stored = _import(province_db, second.path.read_bytes(), key_file)
    assert stored.scans == 1
    (tmp_path / "r2.qmcsync").write_bytes(stored.return_bundle)
    assert import_return(station, tmp_path / "r2.qmcsync").scans == 1
    assert queue.waiting() == 0


def test_dashboard_upload_in_chromium(
    office: tuple[StationContext, Callable[[], StationContext], FixedClock],
    bundle_server: ServerProcess,
    tmp_path: Path,
) -> None:
    """The administrator's browser (headless Chromium): the file chosen in the form, the
    button, the Vietnamese summary, the return bundle downloaded and imported at the counter."""
    from tests.server.chromium import Chromium

    station, _online, clock = office
    _work_days(station, clock, 1)
    exported = export_bundle(station, tmp_path / "goi.qmcsync")
    with Chromium(1280, 900) as browser:
        browser.call("Network.enable")
        browser.call(
            "Network.setExtraHTTPHeaders", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}
        )
        browser.open(f"{bundle_server.url}/dashboard/bundles")
        assert "Nhập gói đồng bộ qua USB" in browser.text()
        document = browser.call("DOM.getDocument")["root"]["nodeId"]
        node = browser.call("DOM.querySelector", nodeId=document, selector="#bundle")["nodeId"]
        browser.call("DOM.setFileInputFiles", nodeId=node, files=[str(exported.path)])
        browser.click("form button[type=submit]")
        shown = browser.text()
        assert "Đã nhập gói đồng bộ" in shown and "4 sự kiện mới được lưu" in shown, shown
        saved = browser.download("#return", tmp_path / "downloads")
    assert saved.name.startswith("tra-ve-quay") and saved.suffix == ".qmcsync"
    assert import_return(station, saved).waiting == 0
