"""USB sync bundles at the province (issue 15 item 2): apply a station bundle as pushes and
answer a return bundle as a pull.

Guarantees of :func:`import_bundle`:

- nothing is written before the whole bundle passed every check: framing (a truncated file),
  the station (known, not revoked, of the office the bundle names), its signing key (the one
  registered for the station, or a new one proven by the HMAC keyed by the digest of the
  station's token, ``sync_protocol.bundle.key_proof``), the signature and the encryption's
  tag (a byte changed), the content's validators, and every batch in the station's name;
  a refusal is a :class:`BundleRefusedError` whose ``code`` names the reason (Vietnamese text in
  ``province_server.texts.BUNDLE_REFUSED``);
- then every batch goes through :func:`province_server.sync.service.push`, the function of
  ``POST /sync/push`` (validator, duplicates by uuid, code ownership, high-water marks,
  projection), one transaction per batch, in the station's order; a bundle imported twice,
  or an older bundle after a newer one, stores nothing new (every event ``duplicate``);
- the scans it carries go through ``attachments.service.put_chunk``, the upload's function
  (chunks from what the office holds, the SHA-256 checked, the station's daily quota);
- the return bundle is built by the functions of the pull (``service.pull_page`` from the
  station's cursor until no page is left, ``reference.changes_since`` from its reference
  version, ``ownership.marks_wire``): the push answers, the events of the office (those the
  bundle carried are left out: the station holds them), reference data, every high-water
  mark of the station, the province's public keys; signed by the province and encrypted for
  the station's key named in the bundle;
- every import is recorded in ``bundle_imports`` (Alembic r0021).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import psycopg

from province_server.attachments import service as attachments
from province_server.reference.service import changes_since
from province_server.stations.ownership import last_event_seq, marks_wire
from province_server.stations.service import Station
from province_server.sync import service
from sync_protocol import MAX_PULL_LIMIT, PullResponse, PushResponse, PushStatus, loads
from sync_protocol.attachments import CHUNK_SIZE
from sync_protocol.bundle import (
    RETURN,
    STATION,
    BundleError,
    BundleHeader,
    BundleKeys,
    PublicKeys,
    ReturnContent,
    StationContent,
    open_bundle,
    proof_valid,
    read_header,
    seal,
)
from sync_protocol.codes import MarksResponse

# Refusal codes besides sync_protocol.bundle's (truncated, tampered, ...).
NO_KEYS = "no_keys"  # PROVINCE_BUNDLE_KEY_FILE not set or unreadable
NOT_STATION_BUNDLE = "not_station_bundle"  # a return bundle given to the province
# Return bundles kept per station: a newer return supersedes the older ones (what an older one
# acknowledged, the station carries again in its next bundle and the province then answers as
# duplicates), so only the newest few stay, for an administrator who downloads a little late.
KEEP_RETURNS = 3
UNKNOWN_STATION = "unknown_station"
REVOKED_STATION = "revoked_station"
FOREIGN_OFFICE = "foreign_office"  # the station belongs to another office than the bundle says
UNKNOWN_KEY = "unknown_key"  # signed by a key neither registered nor proven
WRONG_STATION = "wrong_station"  # a batch in another station's name


class BundleRefusedError(Exception):
    """A station bundle not applied (nothing changed); ``code`` says why."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import did, and the return bundle's bytes."""

    bundle_id: str
    station_id: str
    agency_id: str
    number: int
    events: int
    accepted: int
    duplicates: int
    rejected: int
    pulled: int
    repeat: bool
    return_bundle: bytes
    import_id: int = 0  # the row of bundle_imports
    scans: int = 0  # scans the province holds now, of those the bundle carried

    def summary(self) -> dict[str, Any]:
        return {
            "bundle_id": self.bundle_id,
            "station_id": self.station_id,
            "agency_id": self.agency_id,
            "number": self.number,
            "events": self.events,
            "accepted": self.accepted,
            "duplicates": self.duplicates,
            "rejected": self.rejected,
            "pulled": self.pulled,
            "scans": self.scans,
            "repeat": self.repeat,
            "return_bytes": len(self.return_bundle),
        }


# --- the province's keys ------------------------------------------------------------------------


def generate_keys(path: Path) -> str:
    """Write new province bundle keys to ``path`` (0600, refused if it exists); the public
    keys' text."""
    keys = BundleKeys.generate()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, keys.secret_text().encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)
    return keys.public_text()


@lru_cache(maxsize=4)
def _load(path: str, _mtime: float) -> BundleKeys:
    return BundleKeys.from_secret_text(Path(path).read_text(encoding="utf-8"))


def province_keys(key_file: str) -> BundleKeys | None:
    """The province's keys from ``PROVINCE_BUNDLE_KEY_FILE`` (None: not configured or
    unreadable)."""
    if not key_file:
        return None
    try:
        return _load(key_file, os.stat(key_file).st_mtime)
    except (OSError, BundleError, ValueError):
        return None


def public_key_text(key_file: str) -> str:
    """The public keys stations get at enrolment and with reference data ("" if none)."""
    keys = province_keys(key_file)
    return keys.public_text() if keys is not None else ""


# --- import ---------------------------------------------------------------------------------------


def _quiet(_what: str, _done: int, _total: int) -> None:
    return None


def _station(conn: psycopg.Connection, header: BundleHeader) -> tuple[Station, str, bytes | None]:
    row = conn.execute(
        "SELECT s.id::text, s.agency_id, s.prefix, s.token_hash, s.revoked_at IS NOT NULL,"
        " k.signing_key FROM stations s LEFT JOIN station_bundle_keys k ON k.station_id = s.id"
        " WHERE s.id = %s",
        (header.station_id,),
    ).fetchone()
    if row is None or row[3] is None:
        raise BundleRefusedError(UNKNOWN_STATION, header.station_id)
    station_id, agency_id, prefix, token_hash, revoked, key = row
    if revoked:
        raise BundleRefusedError(REVOKED_STATION, station_id)
    if agency_id != header.agency_id:
        raise BundleRefusedError(FOREIGN_OFFICE, f"{header.agency_id} != {agency_id}")
    return Station(station_id, agency_id, prefix), str(token_hash), bytes(key) if key else None


def check_bundle(
    conn: psycopg.Connection, data: bytes, keys: BundleKeys
) -> tuple[BundleHeader, Station, StationContent, bool]:
    """Every check of a station bundle, nothing written: (header, station, content, whether
    its signing key is new). BundleRefusedError otherwise."""
    try:
        header = read_header(data)
    except BundleError as error:
        raise BundleRefusedError(error.code, error.detail) from None
    if header.kind != STATION or not header.reply_to:
        raise BundleRefusedError(NOT_STATION_BUNDLE, header.kind)
    station, token_hash, registered = _station(conn, header)
    new_key = registered != header.signer
    if new_key and not proof_valid(header.proof, token_hash, station.id, header.signer):
        raise BundleRefusedError(UNKNOWN_KEY, "signing key neither registered nor proven")
    try:
        content = StationContent.from_json(open_bundle(data, signer=header.signer, recipient=keys))
    except BundleError as error:
        raise BundleRefusedError(error.code, error.detail) from None
    if any(b.station_id != station.id for b in content.batches):
        raise BundleRefusedError(WRONG_STATION, "a batch in another station's name")
    return header, station, content, new_key


def import_bundle(
    conn: psycopg.Connection,
    data: bytes,
    keys: BundleKeys | None,
    *,
    via: str = "cli",
    lookup_url: str = "",
    pull_limit: int = MAX_PULL_LIMIT,
    quota: int = 2048 * 1024 * 1024,
    progress: Callable[[str, int, int], None] = _quiet,
) -> ImportResult:
    """Apply a station bundle as its pushes and build the return bundle (module docstring).

    ``conn`` is an autocommit connection (each push opens its own transaction). Scans go
    through ``attachments.service.put_chunk`` (the upload's function: chunk by chunk from
    what the office holds, the SHA-256 checked, the station's daily ``quota``); one the quota
    stops stays with the station for its next bundle. ``progress(what, done, total)``:
    "batches" then "scans"."""
    if keys is None:
        raise BundleRefusedError(NO_KEYS)
    header, station, content, new_key = check_bundle(conn, data, keys)
    if new_key:
        with conn.transaction():
            conn.execute(
                "INSERT INTO station_bundle_keys (station_id, signing_key) VALUES (%s, %s)"
                " ON CONFLICT (station_id) DO UPDATE SET signing_key = excluded.signing_key,"
                " registered_at = now()",
                (station.id, header.signer),
            )
    answers: list[PushResponse] = []
    for index, batch in enumerate(content.batches):
        answers.append(service.push(conn, station, batch))
        progress("batches", index + 1, len(content.batches))
    results = [r for a in answers for r in a.results]
    counts = {
        status: sum(r.status is status for r in results)
        for status in (PushStatus.ACCEPTED, PushStatus.DUPLICATE, PushStatus.REJECTED)
    }
    scans = _store_scans(conn, station, content, quota, progress)
    stored, missing = _earlier(conn, station, content.earlier)
    sent = {e.uuid for b in content.batches for e in b.events} | set(stored)
    pages = _pages(conn, station, content.cursor, sent, pull_limit)
    reference = changes_since(conn, station.agency_id, content.reference_version)
    public = keys.public_text()
    reference = replace(reference, lookup_url=lookup_url, bundle_key=public)
    now = datetime.now(UTC).isoformat()
    marks = MarksResponse(
        marks_wire(conn, station.id), now, event_seq=last_event_seq(conn, station)
    )
    with conn.transaction():
        repeat = (
            conn.execute(
                "SELECT 1 FROM bundle_imports WHERE bundle_id = %s", (header.bundle_id,)
            ).fetchone()
            is not None
        )
        events = sum(len(b.events) for b in content.batches)
        row = conn.execute(
            "INSERT INTO bundle_imports (bundle_id, station_id, agency_id, number, via, events,"
            " accepted, duplicates, rejected, repeat) VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)"
            " RETURNING id",
            (
                header.bundle_id,
                station.id,
                station.agency_id,
                header.number,
                via,
                events,
                counts[PushStatus.ACCEPTED],
                counts[PushStatus.DUPLICATE],
                counts[PushStatus.REJECTED],
                repeat,
            ),
        ).fetchone()
    import_id = int(row[0]) if row else 0
    pulled = sum(len(p.events) for p in pages)
    answer = ReturnContent(
        results=tuple(answers),
        pages=tuple(pages),
        marks=marks,
        reference=reference,
        earlier_stored=stored,
        earlier_missing=missing,
        bundle_key=public,
        summary={
            "events": events,
            "accepted": counts[PushStatus.ACCEPTED],
            "duplicates": counts[PushStatus.DUPLICATE],
            "rejected": counts[PushStatus.REJECTED],
            "pulled": pulled,
        },
        already_imported=repeat,
        scans_stored=scans,
        chain_heads=tuple(
            sorted({b.chain.head.pos for b in content.batches if b.chain is not None})
        ),
    )
    own = keys.public()
    reply = PublicKeys.parse(header.reply_to)
    returned = seal(
        BundleHeader(
            kind=RETURN,
            bundle_id=str(uuid.uuid4()),
            station_id=station.id,
            agency_id=station.agency_id,
            created_at=now,
            signer=own.signing,
            recipient=reply.agreement,
            in_reply_to=header.bundle_id,
            events=pulled,
        ),
        answer.to_json(),
        signer=keys,
    )
    conn.execute(
        "UPDATE bundle_imports SET return_bundle = %s WHERE id = %s", (returned, import_id)
    )
    conn.execute(  # older returns of this station: superseded (KEEP_RETURNS)
        "UPDATE bundle_imports SET return_bundle = NULL WHERE station_id = %s"
        " AND return_bundle IS NOT NULL AND id NOT IN (SELECT id FROM bundle_imports"
        " WHERE station_id = %s AND return_bundle IS NOT NULL ORDER BY id DESC LIMIT %s)",
        (station.id, station.id, KEEP_RETURNS),
    )
    return ImportResult(
        bundle_id=header.bundle_id,
        station_id=station.id,
        agency_id=station.agency_id,
        number=header.number,
        events=events,
        accepted=counts[PushStatus.ACCEPTED],
        duplicates=counts[PushStatus.DUPLICATE],
        rejected=counts[PushStatus.REJECTED],
        pulled=pulled,
        repeat=repeat,
        return_bundle=returned,
        import_id=import_id,
        scans=len(scans),
    )


def _store_scans(
    conn: psycopg.Connection,
    station: Station,
    content: StationContent,
    quota: int,
    progress: Callable[[str, int, int], None],
) -> tuple[str, ...]:
    """Store the bundle's scans as the chunked upload does; the sha256 of those held now."""
    held: list[str] = []
    for index, scan in enumerate(content.scans):
        size = len(scan.data)
        state = attachments.status(conn, station, scan.sha256)
        offset = state.received if state.size == size else 0
        try:
            while not state.complete:
                result = attachments.put_chunk(
                    conn,
                    station,
                    sha256=scan.sha256,
                    offset=offset,
                    size=size,
                    mime=scan.mime,
                    data=scan.data[offset : offset + CHUNK_SIZE],
                    quota=quota,
                )
                state = result.status
                moved = state.received != offset
                if result.outcome is attachments.ChunkOutcome.HASH_MISMATCH or not (
                    moved or state.complete
                ):
                    break  # (never with bytes that hash to their name: checked on reading)
                offset = state.received
        except attachments.QuotaExceededError:
            break  # the rest waits for the station's next bundle
        if state.complete:
            held.append(scan.sha256)
        progress("scans", index + 1, len(content.scans))
    return tuple(held)


def _earlier(
    conn: psycopg.Connection, station: Station, uuids: tuple[str, ...]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Of the events of earlier bundles still waiting at the station: those stored here, and
    those never received (the station sends them again in its next bundle)."""
    if not uuids:
        return (), ()
    held = {
        row[0]
        for row in conn.execute(
            "SELECT uuid::text FROM events WHERE uuid = ANY(%s::uuid[]) AND agency_id = %s",
            (list(uuids), station.agency_id),
        ).fetchall()
    }
    return tuple(u for u in uuids if u in held), tuple(u for u in uuids if u not in held)


def _pages(
    conn: psycopg.Connection, station: Station, cursor: int, sent: set[str], limit: int
) -> list[PullResponse]:
    """Every pull page after ``cursor`` (``service.pull_page``), without the events the
    station listed in this bundle (it holds them: the pages stay small)."""
    pages: list[PullResponse] = []
    while True:
        page = PullResponse.from_json(
            loads(service.pull_page(conn, station, cursor=cursor, limit=limit))
        )
        kept = tuple(e for e in page.events if e.uuid not in sent)
        pages.append(replace(page, events=kept))
        if not page.has_more or page.cursor == cursor:
            return pages
        cursor = page.cursor


def return_of(conn: psycopg.Connection, import_id: int) -> tuple[str, bytes | None] | None:
    """The file name and bytes of an import's return bundle (None: no such import; no bytes:
    superseded by newer returns of the station, see KEEP_RETURNS)."""
    row = conn.execute(
        "SELECT i.number, s.prefix, i.imported_at, i.return_bundle FROM bundle_imports i"
        " JOIN stations s ON s.id = i.station_id WHERE i.id = %s",
        (import_id,),
    ).fetchone()
    if row is None:
        return None
    number, prefix, at, data = row
    name = f"tra-ve-quay{prefix}-{at:%Y%m%d}-{int(number):03d}.qmcsync"
    return name, None if data is None else bytes(data)


def recent_imports(conn: psycopg.Connection, *, limit: int = 50) -> list[dict[str, Any]]:
    """The newest imports first (the dashboard's bundle page)."""
    rows = conn.execute(
        "SELECT imported_at, agency_id, station_id::text, number, via, events, accepted,"
        " duplicates, rejected, repeat FROM bundle_imports ORDER BY imported_at DESC, id DESC"
        " LIMIT %s",
        (limit,),
    ).fetchall()
    names = (
        "imported_at",
        "agency_id",
        "station_id",
        "number",
        "via",
        "events",
        "accepted",
        "duplicates",
        "rejected",
        "repeat",
    )
    return [dict(zip(names, row, strict=True)) for row in rows]
