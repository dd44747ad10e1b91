"""Domain records of the counter: procedures, applicants, dossiers, events, officers.

All are frozen dataclasses; times are timezone-aware datetimes in Vietnam time (UTC+7).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from enum import IntEnum, StrEnum
from typing import Any

from counter_app.domain.processing_time import ProcessingTime
from sync_protocol.order import OrderKey, order_key

VN_TZ = timezone(timedelta(hours=7), "ICT")


class Channel(IntEnum):
    """National channel codes (KenhThucHien)."""

    DIRECT = 1
    ONLINE = 2
    POSTAL = 3


class ChannelDetail(StrEnum):
    """Where an online dossier (national code 2) was filed, when not on the portal itself.

    Both file electronically, so the national channel code stays ``Channel.ONLINE``
    (one-stop-rules §1.1 knows only 1/2/3): the kiosk (ki-ốt thông minh, Decree 309/2026
    Art. 3.9, identity by VNeID or the card's chip) and the VNeID application (Decree
    367/2025's fourth channel). Offered where the catalogue lists online filing.
    """

    KIOSK = "kiosk"
    VNEID = "vneid"


class IdentityCheck(StrEnum):
    """How the officer (or the kiosk) checked the applicant's identity at reception."""

    CARD_SEEN = "card_seen"  # the ID card looked at
    QR_READ = "qr"  # its QR read by the scanner
    CHIP_READ = "chip"  # its chip read (ICAO 9303 reader)
    VNEID = "vneid"  # the VNeID account (level 2)


class DataSource(StrEnum):
    """Where the applicant's data came from (Decree 309/2026 Art. 4.2a)."""

    NATIONAL_DB = "national_db"  # taken from the national databases, no paper asked
    PAPERS = "papers"  # from papers, the databases could not be reached (an incident)


class ReturnMethod(StrEnum):
    COUNTER = "counter"
    POSTAL = "postal"
    ELECTRONIC = "electronic"
    VNEID = "vneid"


class Role(StrEnum):
    OFFICER = "officer"
    LEADER = "leader"
    ADMIN = "admin"


class DocumentForm(StrEnum):
    ORIGINAL = "original"
    CERTIFIED_COPY = "certified_copy"
    COPY = "copy"
    ORIGINAL_AND_COPY = "original_and_copy"


@dataclass(frozen=True, slots=True)
class DocumentItem:
    """One paper of a procedure's checklist, or of a received dossier.

    ``name`` is the catalogue's legal text (kept in the dossier; the checklist's tooltip);
    ``title`` the short title shown in the checklist and printed on slips ("" for papers typed
    by the officer: :attr:`label` is then the name). ``show_only``: a paper only shown at the
    counter (xuất trình, e.g. the ID card), not handed over (nộp). ``conditional``: needed only
    in a stated case ("Trường hợp … thì …"). JSON keeps the old shape: the three keys are
    written only when set, and old rows without them read as defaults.
    """

    name: str
    form: DocumentForm = DocumentForm.ORIGINAL
    count: int = 1
    received: bool = False
    group: str | None = None
    title: str = ""
    show_only: bool = False
    conditional: bool = False

    @property
    def label(self) -> str:
        """What the officer and the citizen read: the short title, else the name."""
        return self.title or self.name

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "form": self.form.value,
            "count": self.count,
            "received": self.received,
            "group": self.group,
        }
        if self.title:
            out["title"] = self.title
        if self.show_only:
            out["show_only"] = True
        if self.conditional:
            out["conditional"] = True
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DocumentItem:
        return cls(
            name=str(data["name"]),
            form=DocumentForm(data.get("form", DocumentForm.ORIGINAL.value)),
            count=int(data.get("count", 1)),
            received=bool(data.get("received", False)),
            group=data.get("group"),
            title=str(data.get("title") or ""),
            show_only=bool(data.get("show_only", False)),
            conditional=bool(data.get("conditional", False)),
        )


@dataclass(frozen=True, slots=True)
class Procedure:
    """A procedure (TTHC) of the catalogue."""

    code: str
    name: str
    field: str
    level: str
    processing_time: ProcessingTime
    processing_text: str
    documents: tuple[DocumentItem, ...] = ()
    fee_text: str = ""
    decision_no: str | None = None
    catalogue_version: str = ""
    use_count: int = 0
    # Position among the commune's everyday procedures (1 = most common), 0 = not one of them
    # (resources/catalogue/checklists.json; used by the search ranking).
    everyday_rank: int = 0


@dataclass(frozen=True, slots=True)
class Applicant:
    """The person a dossier belongs to (or the authorised submitter)."""

    name: str
    id_number: str
    birth_date: date | None = None
    sex: str | None = None
    address: str = ""
    phone: str | None = None
    old_id_number: str | None = None
    issue_date: date | None = None
    # The 2024 card's QR fields 8 and after (law-2026.md §6: cancelled ID numbers, parents'
    # names; order not confirmed), kept raw as secondary data: never parsed, never checked.
    qr_extra: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "id_number": self.id_number,
            "birth_date": self.birth_date.isoformat() if self.birth_date else None,
            "sex": self.sex,
            "address": self.address,
            "phone": self.phone,
            "old_id_number": self.old_id_number,
            "issue_date": self.issue_date.isoformat() if self.issue_date else None,
        }
        if self.qr_extra:  # only when the card had them: older readers never see the key
            out["qr_extra"] = list(self.qr_extra)
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Applicant:
        def _date(value: Any) -> date | None:
            return date.fromisoformat(value) if value else None

        return cls(
            name=data["name"],
            id_number=data["id_number"],
            birth_date=_date(data.get("birth_date")),
            sex=data.get("sex"),
            address=data.get("address") or "",
            phone=data.get("phone"),
            old_id_number=data.get("old_id_number"),
            issue_date=_date(data.get("issue_date")),
            qr_extra=tuple(str(v) for v in data.get("qr_extra") or ()),
        )


@dataclass(frozen=True, slots=True)
class Officer:
    username: str
    full_name: str
    role: Role
    active: bool = True


@dataclass(frozen=True, slots=True)
class Office:
    """The office this station belongs to (header lines, identifiers)."""

    agency_id: str
    parent_body: str
    unit_name: str
    place_name: str
    station_prefix: str
    station_id: str
    lookup_url: str
    is_demo: bool = False


@dataclass(frozen=True, slots=True)
class Event:
    """An immutable fact about a dossier (DESIGN §3). ``payload`` is JSON-serialisable."""

    uuid: str
    dossier_uuid: str
    kind: str
    station_id: str
    seq: int
    officer: str
    at: datetime
    payload: dict[str, Any] = field(default_factory=dict)

    def order_key(self) -> OrderKey:
        """The replay order every station and the server use (``sync_protocol.order``:
        creating event first, hybrid logical clock, station, sequence, uuid)."""
        return order_key(self)
