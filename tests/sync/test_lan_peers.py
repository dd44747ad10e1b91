"""Office LAN sync between real stations on loopback (issue 15 item 1): real SQLite, real TLS
peer servers, the office secret's challenge, pinning, relays, scans on demand."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import asdict
from datetime import datetime
from pathlib import Path

import pytest

from counter_app.app import open_station
from counter_app.domain.clock import FixedClock
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.domain.models import VN_TZ
from counter_app.services import intake
from counter_app.services import lan as lan_service
from counter_app.services.actions import Action, record_action
from counter_app.services.station import StationContext, new_station_id
from counter_app.storage.station_secrets import set_office_secret
from counter_app.sync.lan.client import PeerClient, peer_http
from counter_app.sync.lan.engine import PeerAddress, lan_sync
from counter_app.sync.lan.identity import LAN_DIR
from counter_app.sync.lan.server import PeerServer
from counter_app.texts import error_message
from sync_protocol import PROTOCOL_HEADER
from sync_protocol.lan import FAILURE_WINDOW_S, MAX_FAILURES, new_secret
from tests.conftest import make_applicant

Serve = Callable[[StationContext], str]


@pytest.fixture(scope="session")
def seeded_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One seeded demo station's database, copied for each station (seeding takes seconds)."""
    folder = tmp_path_factory.mktemp("lan-template")
    open_station(folder / "station").store.close()
    return folder / "station" / "counter.db"


@pytest.fixture
def stations(
    tmp_path: Path, clock: FixedClock, seeded_db: Path
) -> Iterator[Callable[[str], StationContext]]:
    """Demo stations of one office (agency 000.00.19.H56), each with its own station id."""
    opened: list[StationContext] = []

    def make(name: str) -> StationContext:
        (tmp_path / name).mkdir()
        shutil.copy(seeded_db, tmp_path / name / "counter.db")
        ctx = open_station(tmp_path / name, clock=clock)
        office = asdict(ctx.office())
        ctx.store.config.set("office", {**office, "station_id": new_station_id()})
        opened.append(ctx)
        return ctx

    yield make
    for ctx in opened:
        ctx.store.close()


@pytest.fixture
def serve(clock: FixedClock) -> Iterator[Serve]:
    servers: list[PeerServer] = []

    def start(ctx: StationContext) -> str:
        server = PeerServer(ctx.store.data_dir, clock=clock, host="127.0.0.1", port=0)
        server.start()
        servers.append(server)
        return f"127.0.0.1:{server.port}"

    yield start
    for server in servers:
        server.stop()


def receive(ctx: StationContext) -> str:
    request = intake.ReceptionRequest(procedure_code="1.001193", applicant=make_applicant())
    return intake.receive_dossier(ctx, request, officer="canbo")[0].uuid


def events_of(ctx: StationContext, dossier_uuid: str) -> set[str]:
    return {e.uuid for e in ctx.store.dossiers.events_of(dossier_uuid)}


def test_a_dossier_received_at_one_counter_is_handed_over_at_another_and_comes_back(
    stations: Callable[[str], StationContext], serve: Serve
) -> None:
    a, b = stations("a"), stations("b")
    code = lan_service.pairing_code(a, by="quantri")
    lan_service.pair(b, code, by="quantri")
    dossier = receive(a)
    at_a = serve(a)
    first = lan_sync(b, [PeerAddress(at_a)])
    assert [(p.station_id, p.pulled, p.error) for p in first.peers] == [
        (a.office().station_id, 1, None)
    ]
    assert b.store.dossiers.by_uuid(dossier) == a.store.dossiers.by_uuid(dossier)
    # not in B's own outbox; queued as a relay (A has not reached the province yet)
    assert b.store.sync.waiting() == 0 and b.store.sync.relays_waiting() == 1
    assert lan_sync(b, [PeerAddress(at_a)]).pulled == 0  # the cursor moved on: nothing twice
    held = b.store.dossiers.by_uuid(dossier)
    assert held is not None
    record_action(b, held, Action.HANDOVER, officer="canbo", payload={"to": "Phòng Tư pháp"})
    at_b = serve(b)
    back = lan_sync(a, [PeerAddress(at_b)])
    assert back.pulled == 1 and back.failed == 0
    assert events_of(a, dossier) == events_of(b, dossier)
    assert a.store.dossiers.by_uuid(dossier) == b.store.dossiers.by_uuid(dossier)
    assert a.store.sync.relays_waiting() == 1  # B's handover, not yet at the province
    peers = lan_service.peers_status(a)
    assert [(p.station_id, p.synced_at is not None, p.error) for p in peers] == [
        (b.office().station_id, True, None)
    ]


def test_without_the_office_secret_or_from_another_office_a_peer_gives_nothing(
    stations: Callable[[str], StationContext], serve: Serve
) -> None:
    a, stranger, other_office = stations("a"), stations("s"), stations("o")
    set_office_secret(a.store.data_dir, new_secret())
    set_office_secret(stranger.store.data_dir, new_secret())  # a secret, not the office's
    office = asdict(other_office.office())
    other_office.store.config.set("office", {**office, "agency_id": "000.00.77.H56"})
    shutil.copy(a.store.data_dir / "station-secrets.json", other_office.store.data_dir)
    receive(a)
    at_a = serve(a)
    refused = lan_sync(stranger, [PeerAddress(at_a)])
    assert [p.error.code for p in refused.peers if p.error] == [ErrorCode.LAN_PEER_REFUSED]
    assert stranger.store.lan.peers() == []
    foreign = lan_sync(other_office, [PeerAddress(at_a)])
    assert [p.error.code for p in foreign.peers if p.error] == [ErrorCode.LAN_PEER_REFUSED]
    for ctx in (stranger, other_office):
        assert ctx.store.dossiers.count() == 0
    # a device with no secret at all: the challenge says nothing; every page is 401
    with peer_http() as http:
        headers = {PROTOCOL_HEADER: "1"}
        hello = http.get(f"https://{at_a}/lan/v1/hello", headers=headers)
        assert set(hello.json()) == {"nonce"}
        page = http.get(f"https://{at_a}/lan/v1/pull", params={"cursor": 0}, headers=headers)
        assert page.status_code == 401 and "events" not in page.json()
        forged = http.get(
            f"https://{at_a}/lan/v1/pull", headers={**headers, "Authorization": "Bearer x"}
        )
        assert forged.status_code == 401
        assert http.get(f"https://{at_a}/lan/v1/hello").status_code == 426
    with pytest.raises(DomainError) as no_secret:
        lan_sync(stations("n"), [PeerAddress(at_a)])
    assert no_secret.value.code is ErrorCode.LAN_NO_SECRET


def test_a_peer_whose_certificate_changed_is_refused_until_forgotten(
    stations: Callable[[str], StationContext], serve: Serve, clock: FixedClock
) -> None:
    a, b = stations("a"), stations("b")
    lan_service.pair(b, lan_service.pairing_code(a, by="quantri"), by="quantri")
    receive(a)
    first = serve(a)
    assert lan_sync(b, [PeerAddress(first)]).failed == 0
    shutil.rmtree(a.store.data_dir / LAN_DIR)  # a reinstalled counter: a new certificate
    second = serve(a)
    changed = lan_sync(b, [PeerAddress(second)])
    assert [p.error.code for p in changed.peers if p.error] == [ErrorCode.LAN_PEER_CERT_CHANGED]
    assert lan_service.forget_peer(b, a.office().station_id, by="quantri")
    assert lan_sync(b, [PeerAddress(second)]).failed == 0


def test_a_bad_pairing_code_or_address_changes_nothing(
    stations: Callable[[str], StationContext],
) -> None:
    a = stations("a")
    with pytest.raises(DomainError) as bad:
        lan_service.pair(a, "ABCD-EFGH", by="quantri")
    assert bad.value.code is ErrorCode.LAN_PAIRING_CODE_INVALID
    assert not lan_service.is_paired(a)
    for address in ("10.0.0.1", "10.0.0.1:0", "host name:80", ":80"):
        with pytest.raises(DomainError) as wrong:
            lan_service.set_fixed_peers(a, add=[address], remove=[], by="quantri")
        assert wrong.value.code is ErrorCode.LAN_ADDRESS_INVALID
    assert a.store.lan.fixed_peers() == []
    kept = lan_service.set_fixed_peers(a, add=["10.0.0.2:47615"], remove=[], by="quantri")
    assert kept == ["10.0.0.2:47615"]


def test_a_scan_is_fetched_from_a_peer_on_demand(
    stations: Callable[[str], StationContext], serve: Serve, clock: FixedClock
) -> None:
    from counter_app.sync.attachments import fetch_blob

    a, b = stations("a"), stations("b")
    lan_service.pair(b, lan_service.pairing_code(a, by="quantri"), by="quantri")
    with a.store.db.atomic():
        digest = a.store.blobs.put(b"%PDF-1.4 scan", "application/pdf", at=clock.now())
    at_a = serve(a)
    assert lan_sync(b, [PeerAddress(at_a)]).failed == 0
    assert fetch_blob(b, digest) == b"%PDF-1.4 scan"
    assert b.store.blobs.get(digest) == b"%PDF-1.4 scan"
    with peer_http() as http, pytest.raises(DomainError):
        PeerClient(at_a, http).open(
            new_secret(), agency_id=a.office().agency_id, station_id=b.office().station_id
        )


def test_pairing_from_the_command_line(tmp_path: Path, seeded_db: Path) -> None:
    """``lan-pair --show`` at one counter, ``--code-stdin`` at another (admins), as typed."""
    import json
    import os
    import subprocess
    import sys

    for name in "ab":  # seeded already (seeding takes seconds)
        (tmp_path / name).mkdir()
        shutil.copy(seeded_db, tmp_path / name / "counter.db")

    def cli(station: str, *args: str, stdin: str) -> subprocess.CompletedProcess[str]:
        env = {
            **os.environ,
            "COUNTER_APP_DATA_DIR": str(tmp_path / station),
            "COUNTER_APP_MIRROR_DIR": str(tmp_path / "mirror"),
            "COUNTER_APP_SECRETS": "file",
            "PYTHONIOENCODING": "utf-8",
        }
        return subprocess.run(
            [
                sys.executable,
                "-m",
                "counter_app",
                *args,
                "--officer",
                "quantri",
                "--password-stdin",
            ],
            input=stdin,
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=env,
            timeout=120,
            check=False,
        )

    shown = cli("a", "lan-pair", "--show", stdin="demo1234\n")
    assert shown.returncode == 0, shown.stderr
    code = json.loads(shown.stdout)["pairing_code"]
    assert code in shown.stderr and len(code.replace("-", "")) == 24
    typo = cli("b", "lan-pair", "--code-stdin", stdin="demo1234\nABCD\n")
    assert typo.returncode == 2 and "Mã ghép nối không đúng" in typo.stderr
    paired = cli("b", "lan-pair", "--code-stdin", stdin=f"demo1234\n{code.lower()}\n")
    assert paired.returncode == 0, paired.stderr
    secrets = [json.loads((tmp_path / s / "station-secrets.json").read_text()) for s in "ab"]
    assert secrets[0]["office_secret"] == secrets[1]["office_secret"]


def test_a_peer_restored_from_a_backup_is_read_again_from_the_start(
    stations: Callable[[str], StationContext], serve: Serve
) -> None:
    a, b = stations("a"), stations("b")
    lan_service.pair(b, lan_service.pairing_code(a, by="quantri"), by="quantri")
    first = receive(a)
    at_a = serve(a)
    assert lan_sync(b, [PeerAddress(at_a)]).pulled == 1
    before = b.store.lan.peer(a.office().station_id)
    assert before is not None and before.cursor > 0
    # A goes back to a backup (its "restored" mark changes) and receives again: its storage
    # order restarts below B's cursor (as if B had read far ahead of the backup), so B must
    # read A from the start (a union: nothing doubles)
    with b.store.db.atomic():
        b.store.lan.synced(
            before.station_id,
            cursor=10**6,
            epoch=str(before.epoch),
            pulled=0,
            at=before.synced_at or datetime.now(VN_TZ),
        )
    with a.store.db.atomic():
        a.store.config.set("restored", {"from": "counter-backup.db", "at": "2026-02-13"})
    second = receive(a)
    again = lan_sync(b, [PeerAddress(at_a)])
    assert again.pulled == 1 and again.failed == 0
    after = b.store.lan.peer(a.office().station_id)
    assert after is not None and after.epoch != before.epoch
    assert b.store.dossiers.by_uuid(first) is not None
    assert b.store.dossiers.by_uuid(second) is not None


def test_a_device_that_keeps_failing_to_authenticate_is_made_to_wait(
    stations: Callable[[str], StationContext], clock: FixedClock
) -> None:
    a, stranger, b = stations("a"), stations("s"), stations("b")
    lan_service.pair(b, lan_service.pairing_code(a, by="quantri"), by="quantri")
    set_office_secret(stranger.store.data_dir, new_secret())  # a secret, not the office's
    receive(a)
    server = PeerServer(a.store.data_dir, clock=clock, host="127.0.0.1", port=0)
    now = [1000.0]
    server.state.now = lambda: now[0]
    server.start()
    try:
        at_a = [PeerAddress(f"127.0.0.1:{server.port}")]
        for _ in range(MAX_FAILURES):
            (peer,) = lan_sync(stranger, at_a).peers
            assert peer.error is not None and peer.error.code is ErrorCode.LAN_PEER_REFUSED
            now[0] += 1
        (locked,) = lan_sync(stranger, at_a).peers
        assert locked.error is not None and locked.error.code is ErrorCode.LAN_PEER_LOCKED
        wait = FAILURE_WINDOW_S - MAX_FAILURES
        assert f"thử lại sau {wait} giây" in error_message(locked.error)
        # one budget per address: the office's own counter on that address waits too
        (same_address,) = lan_sync(b, at_a).peers
        assert same_address.error is not None
        assert same_address.error.code is ErrorCode.LAN_PEER_LOCKED
        assert b.store.dossiers.count() == 0
        now[0] += wait
        (later,) = lan_sync(b, at_a).peers
        assert later.error is None and later.pulled == 1
    finally:
        server.stop()
