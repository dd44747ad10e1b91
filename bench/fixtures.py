"""Shared fixture builder of the benches: big stations made through the real code paths.

Why: the benches' own row builders drifted from the code (a private helper lost an argument,
the dossiers row gained columns) and nothing ran them, so they broke unseen. Here nothing
writes a table by hand:

* the station is opened by ``open_station`` (migrations, seeding: the real catalogue);
* one dossier is received through the real service ``receive_dossier``; its creating event is
  the template of every other one: a variant changes only keys the template's payload has
  (``_VARIANT_KEYS``; a key the service stops writing fails here, loudly), the procedure's
  papers as the service lists them (all ticked), a code from ``make_code``, a due date from
  ``compute_due`` with the station's calendar;
* what happens next (hand-over, supplement request and resubmission, apology, result,
  return, withdrawal, stop) are events applied by the real projection ``apply_event``;
* every event is stored by the real repository (``DossierRepository.insert_new`` /
  ``append``: row, event, outbox, history chain, search index as the services write them);
  at the end the outbox is emptied (a station that has synced) and the counters raised past
  what was used (event sequence, codes per day, register numbers), so a reception after the
  fixture goes on as after real work.

Each bench builds its station once into ``bench/.cache/<name>/`` (``cached_station``); the
cache key holds ``FORMAT`` and the plan, so a change of the generated data rebuilds it, and
``open_station`` migrates an older cache to this version's schema. ``--smoke`` runs use a
temporary folder and a few hundred dossiers.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from counter_app import paths
from counter_app.app import open_station
from counter_app.domain.clock import FixedClock
from counter_app.domain.codes import make_code
from counter_app.domain.dossier import Dossier, EventKind, apply_event, dossier_from_snapshot
from counter_app.domain.due import compute_due
from counter_app.domain.models import VN_TZ, Applicant, Channel, Event, Procedure
from counter_app.domain.processing_time import TimeUnit
from counter_app.services.intake import ReceptionRequest, receive_dossier
from counter_app.services.station import EVENT_SEQ, StationContext

FORMAT = 2  # bump when the generated data changes: older caches are then ignored
CACHE_ROOT = Path(__file__).resolve().parent / ".cache"
OFFICER = "canbo"
TEMPLATE_PROCEDURE = "1.001193"  # Thủ tục đăng ký khai sinh
BATCH = 20_000  # dossiers per transaction
# The keys of the received event's payload a variant sets (the others are the template's).
_VARIANT_KEYS = (
    "code",
    "procedure_code",
    "procedure_name",
    "procedure_field",
    "catalogue_version",
    "channel",
    "applicant",
    "documents",
    "processing_time",
    "due_at",
    "due_estimated",
)


POPULAR_FIELDS = {"Hộ tịch", "Chứng thực", "Đăng ký, quản lý cư trú"}

# Family names weighted roughly by their share of the population.
FAMILY = (
    ("Nguyễn", 38),
    ("Trần", 11),
    ("Lê", 9.5),
    ("Phạm", 7),
    ("Hoàng", 3),
    ("Huỳnh", 2),
    ("Phan", 4.5),
    ("Vũ", 2.5),
    ("Võ", 1.5),
    ("Đặng", 2.1),
    ("Bùi", 2),
    ("Đỗ", 1.4),
    ("Hồ", 1.3),
    ("Ngô", 1.3),
    ("Dương", 1),
    ("Lý", 0.5),
    ("Đinh", 0.5),
    ("Trương", 0.5),
)
MIDDLE_MALE = ("Văn", "Văn", "Văn", "Đức", "Minh", "Quốc", "Hữu", "Thanh", "Công", "Đình")
MIDDLE_FEMALE = ("Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Minh", "Kim", "Thuỳ", "Diệu")
GIVEN_MALE = (
    "Đức",
    "Hùng",
    "Dũng",
    "Anh",
    "Tuấn",
    "Nam",
    "Long",
    "Hải",
    "Sơn",
    "Minh",
    "Quang",
    "Huy",
    "Phong",
    "Khoa",
    "Bình",
    "Toàn",
    "Thắng",
    "Cường",
    "Đạt",
    "Hiếu",
    "Đông",
    "Trung",
)
GIVEN_FEMALE = (
    "Thủy",
    "Thuỷ",
    "Hoà",
    "Hòa",
    "Lan",
    "Hương",
    "Mai",
    "Linh",
    "Hà",
    "Trang",
    "Ngọc",
    "Thảo",
    "Hằng",
    "Nhung",
    "Yến",
    "Phương",
    "Hạnh",
    "Oanh",
    "Nga",
    "Quỳnh",
    "Huyền",
    "Đào",
    "Anh",
    "Dung",
)
PROVINCES = (
    "001",
    "031",
    "034",
    "036",
    "038",
    "040",
    "044",
    "048",
    "052",
    "056",
    "066",
    "075",
    "079",
    "083",
    "092",
    "094",
    "096",
)
VILLAGES = (
    "Thôn Đông",
    "Thôn Đoài",
    "Xóm Chùa",
    "Tổ 5",
    "Thôn Hạ",
    "Ấp Bình Hoà",
    "Khu phố 3",
    "Thôn Trung",
    "Xóm Mới",
)
COMMUNES = ("xã Minh Hòa", "xã Đông Sơn", "phường Hưng Phú", "xã Quảng Thành", "xã Tân Lập")


class Generator:
    """Realistic applicants, procedures and reception times, reproducible from a seed."""

    def __init__(self, procedures: list[Procedure], seed: int = 20260213) -> None:
        self.rng = random.Random(seed)
        known = [p for p in procedures if p.processing_time.unit is not TimeUnit.UNKNOWN]
        self.popular = [p for p in known if p.field in POPULAR_FIELDS] or known
        self.known = known
        self.families = [f for f, _ in FAMILY]
        self.family_weights = [w for _, w in FAMILY]

    def name(self, male: bool) -> str:
        rng = self.rng
        family = rng.choices(self.families, self.family_weights)[0]
        middle = rng.choice(MIDDLE_MALE if male else MIDDLE_FEMALE)
        given = rng.choice(GIVEN_MALE if male else GIVEN_FEMALE)
        if rng.random() < 0.2:  # four-word names: "Nguyễn Thị Ngọc Lan"
            extra = rng.choice(MIDDLE_MALE[3:] if male else MIDDLE_FEMALE[3:])
            if extra != middle:
                middle = f"{middle} {extra}"
        return f"{family} {middle} {given}"

    def applicant(self) -> Applicant:
        rng = self.rng
        male = rng.random() < 0.5
        year = rng.randint(1940, 2007)
        century = 0 if year < 2000 else 2
        id_number = (
            f"{rng.choice(PROVINCES)}{century + (0 if male else 1)}{year % 100:02d}"
            f"{rng.randrange(10**6):06d}"
        )
        return Applicant(
            name=self.name(male),
            id_number=id_number,
            birth_date=date(year, rng.randint(1, 12), rng.randint(1, 28)),
            sex="Nam" if male else "Nữ",
            address=f"{rng.choice(VILLAGES)}, {rng.choice(COMMUNES)}",
            phone=f"0{rng.choice('3579')}{rng.randrange(10**8):08d}"
            if rng.random() < 0.9
            else None,
        )

    def procedure(self) -> Procedure:
        pool = self.popular if self.rng.random() < 0.7 else self.known
        return self.rng.choice(pool)

    def uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))


@dataclass(frozen=True)
class Plan:
    """What to build: ``size`` dossiers, ``per_day`` a working day, the last on ``last_day``.

    With ``lifecycle`` the dossiers live on after reception (most handed over and resolved
    around their due date, some returned, some with a supplement request and resubmission,
    an apology, a withdrawal or a stop; the newest still open); without it every dossier is
    just received. ``channels``: the shares of online and postal receptions.
    """

    size: int
    last_day: date
    per_day: int = 400
    lifecycle: bool = True
    seed: int = 20260213
    online: float = 0.12
    postal: float = 0.05

    def key(self) -> str:
        digest = hashlib.sha256(json.dumps(asdict(self), default=str).encode()).hexdigest()
        return f"v{FORMAT}-{self.size}-{digest[:8]}"


def working_days(ctx: StationContext, last: date, count: int) -> list[date]:
    """The ``count`` working days up to ``last`` (included), oldest first."""
    calendar = ctx.calendar()
    days: list[date] = []
    day = last
    while len(days) < count:
        if calendar.is_working_day(day):
            days.append(day)
        day -= timedelta(days=1)
    return days[::-1]


def _known_procedures(ctx: StationContext) -> list[Procedure]:
    found = ctx.store.reference.find_procedures("", limit=100_000)
    return [p for p in found if p.processing_time.unit is not TimeUnit.UNKNOWN]


class _Builder:
    def __init__(self, ctx: StationContext, plan: Plan) -> None:
        self.ctx, self.plan = ctx, plan
        self.gen = Generator(_known_procedures(ctx), seed=plan.seed)
        self.rng = self.gen.rng
        self.calendar, self.hours, self.office = ctx.calendar(), ctx.hours(), ctx.office()
        template, _ = receive_dossier(
            ctx,
            ReceptionRequest(procedure_code=TEMPLATE_PROCEDURE, applicant=self.gen.applicant()),
            officer=OFFICER,
        )
        self.template = ctx.store.dossiers.events_of(template.uuid)[0]
        missing = [k for k in _VARIANT_KEYS if k not in self.template.payload]
        assert not missing, f"the received event no longer carries {missing}"
        self.seq = self.template.seq
        self.codes: dict[date, int] = {}
        self.register: dict[int, int] = {}
        self.limit = datetime.combine(plan.last_day, datetime.max.time(), tzinfo=VN_TZ)

    def _event(self, dossier_uuid: str, kind: EventKind, at: datetime, **payload: Any) -> Event:
        self.seq += 1
        return replace(
            self.template,
            uuid=self.gen.uuid(),
            dossier_uuid=dossier_uuid,
            kind=kind.value,
            seq=self.seq,
            at=at,
            payload=payload,
        )

    def received(self, day: date) -> Event:
        rng, plan, procedure = self.rng, self.plan, self.gen.procedure()
        counter = self.codes[day] = self.codes.get(day, 0) + 1
        minutes = 7 * 60 + 30 + (counter * 9 * 60) // (plan.per_day + 1)  # 07:30 .. 16:30
        at = datetime(day.year, day.month, day.day, minutes // 60, minutes % 60,
                      rng.randrange(60), tzinfo=VN_TZ)  # fmt: skip
        time_ = procedure.processing_time
        due = compute_due(received_at=at, time=time_, calendar=self.calendar, hours=self.hours)
        roll = rng.random()
        channel = (
            Channel.ONLINE
            if roll < plan.online
            else Channel.POSTAL
            if roll < plan.online + plan.postal
            else Channel.DIRECT
        )
        self.register[day.year] = self.register.get(day.year, 0) + 1
        payload = {
            **self.template.payload,
            "code": str(make_code(agency_id=self.office.agency_id, day=day,
                                  prefix=self.office.station_prefix, counter=counter)),
            "procedure_code": procedure.code,
            "procedure_name": procedure.name,
            "procedure_field": procedure.field,
            "catalogue_version": procedure.catalogue_version,
            "channel": int(channel),
            "applicant": self.gen.applicant().to_json(),
            "documents": [replace(d, received=True).to_json() for d in procedure.documents],
            "processing_time": time_.to_json(),
            "due_at": due.due.isoformat() if due.due else None,
            "due_estimated": bool(due.estimated),
        }  # fmt: skip
        if "register_no" in payload:
            payload["register_no"] = self.register[day.year]
        return self._event(self.gen.uuid(), EventKind.RECEIVED, at, **payload)

    def later(self, dossier: Dossier) -> Iterator[Event]:
        """What happens to the dossier after reception (the newest stay open)."""
        rng, uuid_ = self.rng, dossier.uuid
        at = dossier.received_at + timedelta(hours=2)
        yield self._event(uuid_, EventKind.HANDED_OVER, at, to="Công chức chuyên môn", note="")
        due = dossier.due_at or dossier.received_at + timedelta(days=10)
        if rng.random() < 0.04:
            asked = at + timedelta(days=1)
            yield self._event(uuid_, EventKind.SUPPLEMENT_REQUESTED, asked,
                              missing=["Tờ khai"], reason="Thiếu chữ ký")  # fmt: skip
            back = asked + timedelta(days=rng.randrange(1, 6))
            due = back + (due - dossier.received_at)
            yield self._event(uuid_, EventKind.SUPPLEMENT_RECEIVED, back, due_at=due.isoformat())
            at = back
        if rng.random() < 0.03 and due - at > timedelta(days=2):
            new_due = due + timedelta(days=5)
            yield self._event(uuid_, EventKind.APOLOGY_ISSUED, due - timedelta(days=2),
                              new_due_at=new_due.isoformat(), reason="Chờ xác minh")  # fmt: skip
        fate = rng.random()
        if fate < 0.02:
            yield self._event(uuid_, EventKind.WITHDRAWN, at + timedelta(days=1), reason="Xin rút")
        elif fate < 0.025:
            yield self._event(uuid_, EventKind.STOPPED, at + timedelta(days=2), reason="Dừng")
        elif fate < 0.97:
            spread = (due - dossier.received_at) * rng.uniform(0.3, 1.25)
            finish = max(dossier.received_at + spread, at + timedelta(hours=1))
            yield self._event(uuid_, EventKind.RESULT_RECEIVED, finish,
                              outcome="approved", note="", result_number="")  # fmt: skip
            if rng.random() < 0.8:
                yield self._event(uuid_, EventKind.RETURNED, finish + timedelta(days=1),
                                  receiver="Người nộp", originals_returned=True)  # fmt: skip


ROOT = Path(__file__).resolve().parents[1]


def _code_digest() -> str:
    """A digest of what a freshly seeded station depends on: the program's sources and the
    shipped catalogue (any change gives a new seeded template)."""
    digest = hashlib.sha256()
    for path in sorted(
        [*(ROOT / "counter_app").rglob("*.py"), *(ROOT / "resources" / "catalogue").glob("*")]
    ):
        digest.update(path.relative_to(ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def new_station(folder: Path, *, clock: FixedClock) -> StationContext:
    """``open_station`` on a new folder, the first time of this code's version for real
    (creating, migrating, seeding the catalogue: seconds), afterwards from a copy of that
    first seeded station kept in ``bench/.cache/seeded-<digest>/`` (same bytes, no reseed)."""
    seeded = CACHE_ROOT / f"seeded-{_code_digest()}"
    if not (seeded / "ready").exists():
        making = seeded.with_name(f"{seeded.name}.{os.getpid()}")
        shutil.rmtree(making, ignore_errors=True)
        open_station(making / "station", clock=clock).store.close()
        (making / "ready").write_text("")
        try:
            os.replace(making, seeded)
        except OSError:  # made by another process meanwhile
            shutil.rmtree(making, ignore_errors=True)
        for old in CACHE_ROOT.glob("seeded-*"):  # templates of older code: never used again
            if old.name != seeded.name and "." not in old.name:
                shutil.rmtree(old, ignore_errors=True)
    shutil.copytree(seeded / "station", folder)
    return open_station(folder, clock=clock)


def build_station(folder: Path, plan: Plan, *, quiet: bool = False) -> dict[str, Any]:
    """Build the station of ``plan`` in ``folder`` (through a temporary name, renamed when
    complete, so an interrupted build leaves no half fixture). Returns what was built."""
    started = time.perf_counter()
    building = folder.with_name(folder.name + ".building")
    shutil.rmtree(building, ignore_errors=True)
    days = None
    first_day = plan.last_day - timedelta(days=2 * (plan.size // plan.per_day + 2) + 14)
    clock = FixedClock(datetime.combine(first_day, datetime.min.time(), tzinfo=VN_TZ))
    ctx = new_station(building, clock=clock)
    try:
        ctx.store.db.conn.execute("PRAGMA synchronous = OFF")  # a fixture: no fsync
        builder = _Builder(ctx, plan)
        days = working_days(ctx, plan.last_day, -(-(plan.size - 1) // plan.per_day))
        repo, db = ctx.store.dossiers, ctx.store.db
        counts: dict[str, int] = {}
        made = 1
        while made < plan.size:
            with db.atomic():
                for _ in range(min(BATCH, plan.size - made)):
                    event = builder.received(days[(made - 1) // plan.per_day])
                    dossier = dossier_from_snapshot(event)
                    repo.insert_new(dossier, event, queued_at=event.at)
                    if plan.lifecycle:
                        for step in builder.later(dossier):
                            if step.at > builder.limit:
                                break
                            dossier = apply_event(dossier, step)
                            repo.append(dossier, step, queued_at=step.at)
                            counts[step.kind] = counts.get(step.kind, 0) + 1
                    made += 1
            if not quiet:
                print(f"  built {made:,}/{plan.size:,} dossiers "
                      f"({time.perf_counter() - started:.0f} s)", file=sys.stderr)  # fmt: skip
        _settle(ctx, builder)
    finally:
        ctx.store.close()
    info = {
        "size": plan.size,
        "plan": asdict(plan),
        "first_day": days[0].isoformat() if days else None,
        "events_after_reception": counts,
        "build_seconds": round(time.perf_counter() - started, 1),
    }
    (building / "bench-build.json").write_text(json.dumps(info, default=str))
    shutil.rmtree(folder, ignore_errors=True)
    os.replace(building, folder)
    return info


def _settle(ctx: StationContext, builder: _Builder) -> None:
    """A synced station: no outbox; counters past every number the fixture used."""
    repo = ctx.store.dossiers
    with ctx.store.db.atomic():
        flush = getattr(repo, "flush_search", None)
        if flush is not None:
            flush()
        ctx.store.db.conn.execute("DELETE FROM outbox")
        office = ctx.office()
        raised = {EVENT_SEQ: builder.seq}
        for day, n in builder.codes.items():
            raised[f"code|{office.agency_id}|{day:%y%m%d}"] = n
        for year, n in builder.register.items():
            raised[f"register|{office.station_id}|{year}"] = n
        ctx.store.counters.raise_to(raised)


def cached_station(
    name: str, plan: Plan, *, rebuild: bool = False
) -> tuple[Path, dict[str, Any], bool]:
    """The station of ``plan`` in ``bench/.cache/<name>-<plan key>/``, built when missing
    (or with ``rebuild``); (folder, build info, built now)."""
    folder = CACHE_ROOT / f"{name}-{plan.key()}"
    info_path = folder / "bench-build.json"
    if info_path.exists() and not rebuild:
        return folder, json.loads(info_path.read_text()), False
    CACHE_ROOT.mkdir(parents=True, exist_ok=True)
    print(f"building {plan.size:,} dossiers in {folder} …", file=sys.stderr)
    return folder, build_station(folder, plan), True


class isolated_dirs:  # noqa: N801 (a context manager used like a function)
    """Point the user's data and mirror folders at a temporary folder for the run."""

    def __enter__(self) -> Path:
        import tempfile

        self.tmp = Path(tempfile.mkdtemp(prefix="bench-"))
        self.saved = {k: os.environ.get(k) for k in (paths.MIRROR_DIR_ENV, paths.DATA_DIR_ENV)}
        os.environ[paths.MIRROR_DIR_ENV] = str(self.tmp / "mirror")
        os.environ[paths.DATA_DIR_ENV] = str(self.tmp / "unused-default-station")
        return self.tmp

    def __exit__(self, *exc: object) -> None:
        for key, value in self.saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        shutil.rmtree(self.tmp, ignore_errors=True)


def replicate(folder: Path, *, times: int, step_days: int = 364) -> int:
    """Scale a built station by copying its dossier rows ``times - 1`` more times in SQL,
    copy k shifted ``k * step_days`` days earlier (364: whole weeks, so weekdays stay), with
    new uuids and codes. Every column is copied as the real code wrote it (the list is read
    from the table, so new columns come along) and the date columns are shifted; the rows'
    JSON is not rewritten, so such copies serve benches that read columns (the report), not
    benches that open dossiers. Returns the number of rows afterwards."""
    import sqlite3

    from counter_app.storage import projection

    conn = sqlite3.connect(str(folder / "counter.db"), isolation_level=None)
    try:
        projection.attach(conn, folder / "counter.db")  # the rows are in the projection file
        conn.execute("PRAGMA proj.synchronous = OFF")
        columns = [r[1] for r in conn.execute("PRAGMA proj.table_xinfo(dossiers)") if r[6] == 0]
        for k in range(1, times):
            shift = f"'-{k * step_days} days'"
            values = []
            for c in columns:
                if c == "uuid":
                    values.append(f"uuid || '-{k}'")
                elif c == "code":
                    values.append(f"code || '-{k}'")
                elif c.endswith("_day"):
                    values.append(f"date({c}, {shift})")
                elif c.endswith("_at") and c != "queued_at":
                    values.append(
                        f"replace({c}, substr({c}, 1, 10), date(substr({c}, 1, 10), {shift}))"
                    )
                else:
                    values.append(c)
            conn.execute("BEGIN")
            conn.execute(
                f"INSERT INTO dossiers ({', '.join(columns)}) SELECT {', '.join(values)}"
                " FROM dossiers WHERE uuid NOT LIKE '%-%-%-%-%-%'"
            )
            conn.execute("COMMIT")
            print(f"  replicated ×{k + 1}", file=sys.stderr)
        return int(conn.execute("SELECT count(*) FROM dossiers").fetchone()[0])
    finally:
        conn.close()
