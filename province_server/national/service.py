"""The connector's outbox: events turned into per-dossier work, then sent to the portal.

Guarantees:

- **durable, costs the push nothing**: :func:`scan` reads ``events`` after each office's
  cursor (``national_cursors``; an office's pushes are serialised, so its sequence follows
  commit order) and marks each touched dossier's ``national_outbox.wanted_seq``, advancing the
  cursor in the same transaction; a crash repeats a scan, never skips one;
- **claims**: :func:`claim` takes due rows with ``FOR UPDATE SKIP LOCKED`` and leases them
  (``next_attempt_at`` moved forward), so two workers never send one dossier at once and a
  killed worker's rows come back after the lease;
- **never twice as new**: ``create_tried`` is committed before any DongBoHoSoMC of a dossier
  the portal has not acknowledged; until acknowledged, every attempt asks TraCuuHoSo first
  and sends ``isUpdating "True"`` when the portal already holds it;
- **steps in order**: the applied status steps of the shared projection
  (``sync_protocol.projection``), in its order, not yet acknowledged (``national_steps``),
  each recorded as soon as the portal answers "00"; the dossier's ``synced_seq`` moves to the
  events read only once the dossier and all its steps are acknowledged;
- **back-off**: an error adds an attempt and waits ``base * 2^attempts`` (capped), keeping the
  error and the portal's answer for the dashboard.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import psycopg

from province_server import texts
from province_server.national import mapping
from province_server.national.client import PortalClient, PortalError, UnreachableError
from province_server.national.config import NationalSettings
from province_server.sync.projection import stored_events
from sync_protocol import CREATING_KINDS, EventWire
from sync_protocol import status as machine
from sync_protocol.order import instant
from sync_protocol.projection import DossierState, project_state

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
SCAN_LIMIT = 20_000


def portal_time(value: str | None) -> str:
    """``yyyyMMddHHmmss`` in Vietnam time; "" when absent."""
    if not value:
        return ""
    return instant(value).astimezone(VN_TZ).strftime("%Y%m%d%H%M%S")


def scan(conn: psycopg.Connection) -> int:
    """Turn events after each office's cursor into outbox rows; how many events read."""
    total = 0
    agencies = [r[0] for r in conn.execute("SELECT id FROM agencies ORDER BY id")]
    for agency in agencies:
        with conn.transaction():
            conn.execute(
                "INSERT INTO national_cursors (agency_id) VALUES (%s) ON CONFLICT DO NOTHING",
                (agency,),
            )
            row = conn.execute(
                "SELECT seq FROM national_cursors WHERE agency_id = %s FOR UPDATE", (agency,)
            ).fetchone()
            assert row is not None
            rows = conn.execute(
                "SELECT dossier_uuid::text, max(seq), count(*) FROM (SELECT dossier_uuid, seq"
                " FROM events WHERE agency_id = %s AND seq > %s ORDER BY seq LIMIT %s) t"
                " GROUP BY dossier_uuid",
                (agency, row[0], SCAN_LIMIT),
            ).fetchall()
            if not rows:
                continue
            conn.execute(
                "INSERT INTO national_outbox (dossier_uuid, agency_id, wanted_seq)"
                " SELECT u, %s, s FROM unnest(%s::uuid[], %s::bigint[]) AS t(u, s)"
                " ON CONFLICT (dossier_uuid) DO UPDATE SET wanted_seq ="
                " GREATEST(national_outbox.wanted_seq, EXCLUDED.wanted_seq)",
                (agency, [r[0] for r in rows], [r[1] for r in rows]),
            )
            conn.execute(
                "UPDATE national_cursors SET seq = %s WHERE agency_id = %s",
                (max(r[1] for r in rows), agency),
            )
            total += sum(int(r[2]) for r in rows)
    return total


@dataclass(frozen=True, slots=True)
class Claimed:
    dossier_uuid: str
    agency_id: str
    portal_created: bool
    create_tried: bool
    attempts: int


def claim(conn: psycopg.Connection, *, limit: int, lease_s: float) -> list[Claimed]:
    """Lease up to ``limit`` due dossiers (SKIP LOCKED: concurrent workers share the work)."""
    with conn.transaction():
        rows = conn.execute(
            "UPDATE national_outbox o SET next_attempt_at = now() + make_interval(secs => %s)"
            " FROM (SELECT dossier_uuid FROM national_outbox WHERE synced_seq < wanted_seq"
            " AND next_attempt_at <= now() ORDER BY next_attempt_at LIMIT %s"
            " FOR UPDATE SKIP LOCKED) d WHERE o.dossier_uuid = d.dossier_uuid"
            " RETURNING o.dossier_uuid::text, o.agency_id, o.portal_created, o.create_tried,"
            " o.attempts",
            (lease_s, limit),
        ).fetchall()
    return [Claimed(*r) for r in rows]


def _steps(events: list[EventWire], applied: tuple[str, ...]) -> list[tuple[EventWire, str]]:
    """(event, status after it) of the applied status steps, in the projection's order."""
    by_uuid = {e.uuid: e for e in events}
    steps = []
    for uuid in applied:
        event = by_uuid[uuid]
        if event.kind in CREATING_KINDS:
            steps.append((event, machine.CREATING[event.kind]))
        elif (after := machine.TRANSITIONS[event.kind][1]) is not None:
            steps.append((event, after))
    return steps


def dossier_object(state: DossierState, maps: mapping.Maps, unit: str) -> dict[str, Any]:
    """The DongBoHoSoMC ``data[]`` object (national-portal.md)."""
    return {
        "MaHoSo": state.code or "",
        "MaTTHC": maps.procedure(state.procedure_code),
        "TenTTHC": state.procedure_name,
        "MaLinhVuc": "",
        "TenLinhVuc": "",
        "ChuHoSo": state.applicant_name,
        "LoaiDoiTuong": "1",
        "MaDoiTuong": "",
        "ThongTinKhac": "",
        "Email": "",
        "Fax": "",
        "SoDienThoai": "",
        "TrichYeuHoSo": state.procedure_name,
        "NgayTiepNhan": portal_time(state.received_at),
        "NgayHenTra": portal_time(state.due_at),
        "TrangThaiHoSo": maps.status(state.status),
        "NgayTra": portal_time(state.returned_at),
        "ThongTinTra": "",
        "HinhThuc": "1" if state.channel == 3 else "0",
        "NgayKetThucXuLy": portal_time(state.finished_at),
        "DonViXuLy": unit,
        "GhiChu": "",
        "TaiLieuNop": [],
        "DanhSachLePhi": [],
        "DanhSachTepDinhKemKhac": [],
        "DanhSachHoSoBoSung": [],
        "DanhSachGiayToKetQua": [],
    }


def progress_object(state: DossierState, event: EventWire, code: str, unit: str) -> dict[str, Any]:
    """The CapNhatTienDoHoSoMC ``data[]`` object of one step."""
    return {
        "MaHoSo": state.code or "",
        "NguoiXuLy": event.officer,
        "ChucDanh": "",
        "ThoiDiemXuLy": portal_time(event.at),
        "PhongBanXuLy": unit,
        "NoiDungXuLy": texts.NATIONAL_STEP.get(event.kind, event.kind),
        "TrangThai": code,
        "NgayBatDau": portal_time(state.received_at),
        "NgayKetThucTheoQuyDinh": portal_time(state.due_at),
    }


@dataclass(slots=True)
class RoundReport:
    scanned: int = 0
    claimed: int = 0
    synced: int = 0
    created: int = 0
    updated: int = 0
    steps: int = 0
    errors: int = 0
    skipped: int = 0
    error_kinds: dict[str, int] = field(default_factory=dict)


class Connector:
    """Sends claimed dossiers through a :class:`PortalClient` (one worker's state)."""

    def __init__(
        self,
        conn: psycopg.Connection,
        client: PortalClient,
        settings: NationalSettings,
        *,
        backoff_base_s: float = 5.0,
        on_sent: Callable[[str], None] | None = None,
    ) -> None:
        self.conn = conn
        self.client = client
        self.settings = settings
        self.backoff_base_s = backoff_base_s
        self.on_sent = on_sent  # a test hook: called after each portal call is recorded

    def round(self) -> RoundReport:
        """One scan and one claimed batch, sent."""
        report = RoundReport(scanned=scan(self.conn))
        lease = max(self.settings.timeout_s * 6, 2.0)
        claimed = claim(self.conn, limit=self.settings.batch, lease_s=lease)
        report.claimed = len(claimed)
        if not claimed:
            return report
        maps = mapping.load(self.conn)
        uuids = [c.dossier_uuid for c in claimed]
        seen: dict[str, int] = dict(
            self.conn.execute(
                "SELECT dossier_uuid::text, max(seq) FROM events"
                " WHERE dossier_uuid = ANY(%s::uuid[]) GROUP BY dossier_uuid",
                (uuids,),
            ).fetchall()
        )
        events: dict[str, list[EventWire]] = {u: [] for u in uuids}
        for event in stored_events(self.conn, uuids):
            events[event.dossier_uuid].append(event)
        sent_steps = {
            r[0]
            for r in self.conn.execute(
                "SELECT event_uuid::text FROM national_steps WHERE dossier_uuid = ANY(%s::uuid[])",
                (uuids,),
            )
        }
        sql = "SELECT id, unit_name FROM agencies"
        units: dict[str, str] = dict(self.conn.execute(sql).fetchall())
        for item in claimed:
            self._one(
                item,
                events[item.dossier_uuid],
                int(seen.get(item.dossier_uuid, 0)),
                maps,
                sent_steps,
                units.get(item.agency_id) or item.agency_id,
                report,
            )
        return report

    def _one(
        self,
        item: Claimed,
        events: list[EventWire],
        seen_seq: int,
        maps: mapping.Maps,
        sent_steps: set[str],
        unit: str,
        report: RoundReport,
    ) -> None:
        outcome = project_state(events)
        state = outcome.state
        code = maps.status(outcome.status)
        if state is None or not state.code or not code:  # nothing the portal can hold
            self._done(item, seen_seq, None, None)
            report.skipped += 1
            return
        madonvi = self.settings.unit_code(item.agency_id)
        try:
            created = item.portal_created
            if not created:
                if not item.create_tried:
                    self._set(item, "create_tried = true")
                found = self.client.call("TraCuuHoSo", madonvi, mahoso=state.code)
                created = bool(found.get("result"))
            self.client.call(
                "DongBoHoSoMC",
                madonvi,
                isUpdating="True" if created else "False",
                data=[dossier_object(state, maps, unit)],
            )
            if not item.portal_created:
                self._set(item, "portal_created = true")
            report.updated += created
            report.created += not created
            self._hook(state.code)
            for event, after in _steps(events, outcome.applied):
                step_code = maps.status(after)
                if event.uuid in sent_steps or not step_code:
                    continue
                self.client.call(
                    "CapNhatTienDoHoSoMC",
                    madonvi,
                    data=[progress_object(state, event, step_code, unit)],
                )
                self.conn.execute(
                    "INSERT INTO national_steps (event_uuid, dossier_uuid) VALUES (%s, %s)"
                    " ON CONFLICT DO NOTHING",
                    (event.uuid, item.dossier_uuid),
                )
                report.steps += 1
                self._hook(state.code)
        except (PortalError, UnreachableError) as error:
            answer = error.answer if isinstance(error, PortalError) else str(error)
            kind = type(error).__name__
            report.errors += 1
            report.error_kinds[kind] = report.error_kinds.get(kind, 0) + 1
            delay = min(self.settings.max_backoff_s, self.backoff_base_s * 2**item.attempts)
            self.conn.execute(
                "UPDATE national_outbox SET attempts = attempts + 1, last_error = %s,"
                " last_answer = %s, last_error_at = now(),"
                " next_attempt_at = now() + make_interval(secs => %s) WHERE dossier_uuid = %s",
                (kind, answer[:2000], delay, item.dossier_uuid),
            )
            return
        self._done(item, seen_seq, code, state.received_at)
        report.synced += 1

    def _hook(self, code: str) -> None:
        if self.on_sent is not None:
            self.on_sent(code)

    def _set(self, item: Claimed, assignment: str) -> None:
        self.conn.execute(
            f"UPDATE national_outbox SET {assignment} WHERE dossier_uuid = %s",
            (item.dossier_uuid,),
        )

    def _done(
        self, item: Claimed, seen_seq: int, code: str | None, received_at: str | None
    ) -> None:
        month = instant(received_at).astimezone(VN_TZ).strftime("%Y-%m") if received_at else None
        self.conn.execute(
            "UPDATE national_outbox SET synced_seq = GREATEST(synced_seq, %s), attempts = 0,"
            " last_error = NULL, last_answer = NULL, next_attempt_at = now(),"
            " acked_status = COALESCE(%s, acked_status), acked_month = COALESCE(%s, acked_month),"
            " acked_at = CASE WHEN %s::text IS NULL THEN acked_at ELSE now() END"
            " WHERE dossier_uuid = %s",
            (seen_seq, code, month, code, item.dossier_uuid),
        )


def pending(conn: psycopg.Connection) -> dict[str, int]:
    """Dossiers waiting (due now or backing off) and with an error."""
    row = conn.execute(
        "SELECT count(*) FILTER (WHERE synced_seq < wanted_seq),"
        " count(*) FILTER (WHERE synced_seq < wanted_seq AND next_attempt_at <= now()),"
        " count(*) FILTER (WHERE last_error IS NOT NULL) FROM national_outbox"
    ).fetchone()
    assert row is not None
    return {"waiting": int(row[0]), "due": int(row[1]), "errors": int(row[2])}


def now() -> datetime:
    return datetime.now(UTC)


def report_json(report: RoundReport) -> str:
    from dataclasses import asdict

    return json.dumps(asdict(report))
