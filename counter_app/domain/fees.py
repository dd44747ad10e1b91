"""What the reception form proposes as the fee, from the catalogue's fee text.

The crawled catalogue writes fees as one long sentence per channel ("Trực tuyến: …; Dịch vụ
bưu chính: …; Trực tiếp: Miễn phí (Miễn lệ phí. Phí cấp bản sao … Thông tư số 281/2016 …)")
or as "Không có thông tin". At the counter the officer needs the counter channel's amount:

- only the segments of the counter channel ("Trực tiếp: …") are kept when the text is split
  by channel; a text without channels is taken whole;
- an explanation in parentheses is dropped when it is long (a legal citation); a short one
  that belongs to the amount ("(/hồ sơ)", "(20.000 đ/tờ khai)") stays;
- "no information", or a summary still longer than the form's field, gives "" — the form
  leaves the fee blank and the slip prints a dotted line for the officer to fill by hand.

The catalogue's whole text stays available (the field's tooltip); nothing here is a legal
reading of the fee (issue 13 records fees and exemptions as dated rule data).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.domain.fields import clean_text
from counter_app.domain.rules import RuleSet
from counter_app.domain.text import fold, nfc

MAX_SUMMARY = 200
SHORT_NOTE = 30  # a parenthesised note up to this length belongs to the amount
_CHANNEL = re.compile(r"^\s*([^:;()]{3,40}):\s*(.*)$", re.DOTALL)
_COUNTER_CHANNEL = "truc tiep"
_NO_INFORMATION = "khong co thong tin"


def _split_channels(text: str) -> list[tuple[str | None, str]]:
    """(channel label or None, amount text) of each ';'-separated segment, at depth 0."""
    segments, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif ch == ";" and depth == 0:
            segments.append(text[start:i])
            start = i + 1
    segments.append(text[start:])
    out: list[tuple[str | None, str]] = []
    for segment in segments:
        match = _CHANNEL.match(segment)
        if match:
            out.append((match.group(1).strip(), match.group(2).strip()))
        elif segment.strip():
            out.append((None, segment.strip()))
    return out


def _drop_long_notes(text: str) -> str:
    """Remove top-level parenthesised notes longer than SHORT_NOTE characters."""
    out, depth, note = [], 0, []
    for ch in text:
        if ch == "(":
            depth += 1
        if depth:
            note.append(ch)
        else:
            out.append(ch)
        if ch == ")" and depth:
            depth -= 1
            if depth == 0:
                kept = "".join(note)
                if len(kept) <= SHORT_NOTE + 2:
                    out.append(kept)
                note = []
    if depth:  # an unclosed parenthesis: keep what came before it
        pass
    return " ".join("".join(out).split())


def counter_fee(fee_text: str) -> str:
    """The fee the form proposes for a dossier received at the counter ("" when unknown)."""
    text = nfc(fee_text or "").strip()
    if not text or fold(text).strip(" .") == _NO_INFORMATION:
        return ""
    segments = _split_channels(text)
    labelled = [amount for label, amount in segments if label is not None]
    if labelled:
        chosen = [amount for label, amount in segments if label and fold(label) == _COUNTER_CHANNEL]
        if not chosen:
            return ""
    else:
        chosen = [amount for _label, amount in segments]
    parts = list(dict.fromkeys(p for p in (_drop_long_notes(a) for a in chosen) if p))
    summary = "; ".join(parts)
    return summary if len(summary) <= MAX_SUMMARY else ""


# --- amounts due, payments and exemptions (issue 13, item 7) --------------------------------
#
# The catalogue's per-channel amounts read as whole đồng: "Miễn phí" is 0; "50,000 Việt Nam
# Đồng", "70,000 VNĐ", "20.000 đồng" are amounts; anything else is unknown (None) and the form
# asks the officer: several amounts in one channel, a foreign currency, an amount per page or
# per copy (it depends on the papers), an amount set by the provincial council ("Hội đồng nhân
# dân … quyết định": fee tables are per province), and amounts under 1,000 đ (the crawl lost
# the thousands: "20 VNĐ (20.000 vnđ/tờ khai)"). The officer's amount always wins.

FEE_METHODS = ("cash", "transfer", "online")
MAX_AMOUNT = 10_000_000_000  # đồng; anything above is a typing error
MIN_REAL_AMOUNT = 1_000
_AMOUNT = re.compile(r"^(\d{1,3}(?:[.,]\d{3})+|\d+)\s*(viet nam dong|vnd|dong|d)\b")
_FREE = ("mien phi", "mien le phi", "khong thu", "khong")
_PER_DOSSIER = ("ho so", "truong hop", "the", "lan", "giay", "nguoi")
_PROVINCE_SET = "hoi dong nhan dan"
_NOTE_AMOUNT = re.compile(r"(\d{1,3}(?:[.,]\d{3})+|\d{4,})\s*(?:viet nam dong|vnd|dong|d)\b")


def _number(text: str) -> int:
    return int(re.sub(r"[.,]", "", text))


CHANNEL_LABELS = {1: "truc tiep", 2: "truc tuyen", 3: "dich vu buu chinh"}


def parse_amount(text: str) -> int | None:
    """Whole đồng of one channel's fee text, 0 when free, None when unknown (see above)."""
    folded = fold(nfc(text or "")).strip(" .;")
    if not folded or folded.startswith(_NO_INFORMATION):
        return None
    if _PROVINCE_SET in folded:
        return None
    head, _, note = folded.partition("(")
    head = head.strip(" .;")
    if head in _FREE:  # free, unless the explanation names amounts ("Dưới 5 tấn: 50.000 đ")
        return None if _NOTE_AMOUNT.search(note) or "%" in note else 0
    match = _AMOUNT.match(head)
    if match is None or head[match.end() :].strip(" .;"):
        return None
    amount = _number(match.group(1))
    note = note.strip(" ()")
    if note.startswith("/"):  # a unit: "(/hồ sơ)" is one amount a dossier, "(/trang)" not
        if note.strip(" /.") not in _PER_DOSSIER:
            return None
    elif "%" in note:
        return None  # "bằng 50% mức thu": the amount in force is not the one written
    elif any(_number(n) != amount for n in _NOTE_AMOUNT.findall(note)):
        return None  # the explanation names another amount (by weight, by case…)
    if amount < MIN_REAL_AMOUNT or amount > MAX_AMOUNT:
        return None
    return amount


def amount_due(fee_text: str, channel: int) -> int | None:
    """The amount the catalogue's fee text gives for ``channel`` (None: unknown). A text split
    by channel gives the channel's segment (unknown when it is not there or says two
    amounts); a text without channels applies to every channel."""
    text = nfc(fee_text or "")
    segments = _split_channels(text)
    labelled = [(label, amount) for label, amount in segments if label is not None]
    if not labelled:
        return parse_amount(text) if len(segments) == 1 else None
    wanted = CHANNEL_LABELS.get(int(channel), "")
    found = {parse_amount(amount) for label, amount in labelled if fold(label) == wanted}
    return found.pop() if len(found) == 1 else None


def format_amount(amount: int) -> str:
    """50000 -> "50.000" (Vietnamese thousands separator)."""
    return f"{amount:,}".replace(",", ".")


@dataclass(frozen=True, slots=True)
class FeePayment:
    """What the officer records about a dossier's fee, at reception or later: the amount due
    (None: unknown, left as it was), the amount collected now (đồng), how, the e-receipt
    number, or the exemption (a key of the dossier's rule set) and its basis."""

    due: int | None = None
    collected: int = 0
    method: str = ""
    receipt_no: str = ""
    exemption: str = ""
    basis: str = ""
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"collected": self.collected}
        if self.due is not None:
            out["due"] = self.due
        for key in ("method", "receipt_no", "exemption", "basis", "note"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FeePayment:
        due = data.get("due")
        return cls(
            due=int(due) if due is not None else None,
            collected=int(data.get("collected") or 0),
            method=str(data.get("method") or ""),
            receipt_no=str(data.get("receipt_no") or ""),
            exemption=str(data.get("exemption") or ""),
            basis=str(data.get("basis") or ""),
            note=str(data.get("note") or ""),
        )


def _amount(field: str, value: Any, *, nullable: bool) -> int | None:
    if value is None or value == "":
        if nullable:
            return None
        return 0
    if isinstance(value, bool):
        raise DomainError(ErrorCode.FEE_INVALID, field=field)
    if isinstance(value, str):
        digits = re.sub(r"[\s.,]", "", value)
        if not digits.isdigit():
            raise DomainError(ErrorCode.FEE_INVALID, field=field)
        value = int(digits)
    if not isinstance(value, int) or value < 0 or value > MAX_AMOUNT:
        raise DomainError(ErrorCode.FEE_INVALID, field=field)
    return value


def check_payment(
    raw: dict[str, Any],
    *,
    rules: RuleSet,
    received_on: date,
    channel: int,
    procedure_code: str,
) -> FeePayment:
    """The payment ``raw`` (JSON-like: amounts as int or typed text) validated for a dossier,
    or DomainError naming the field: amounts (fee_due, fee_collected) whole đồng 0 to 10^10;
    a collected amount needs its method (cash, transfer, online); an exemption must be one of
    the dossier's rule set, in force on the reception date (FEE_EXEMPTION_OUT_OF_DATES names
    its dates), for the dossier's channel and procedure, and excludes a collected amount."""
    due = _amount("fee_due", raw.get("due"), nullable=True)
    collected = _amount("fee_collected", raw.get("collected"), nullable=False) or 0
    method = str(raw.get("method") or "").strip()
    if method and method not in FEE_METHODS:
        raise DomainError(ErrorCode.FEE_INVALID, field="fee_method")
    if collected and not method:
        raise DomainError(ErrorCode.FEE_INVALID, field="fee_method")
    receipt = clean_text("fee_receipt_no", str(raw.get("receipt_no") or ""), limit=64)
    note = clean_text("note", str(raw.get("note") or ""), limit=300)
    key = str(raw.get("exemption") or "").strip()
    basis = ""
    if key:
        exemption = next((e for e in rules.fee_exemptions if e.key == key), None)
        if exemption is None:
            raise DomainError(ErrorCode.FEE_EXEMPTION_UNKNOWN, field="fee_exemption", key=key)
        if not exemption.covers(received_on):
            raise DomainError(
                ErrorCode.FEE_EXEMPTION_OUT_OF_DATES,
                field="fee_exemption",
                key=key,
                day=received_on.strftime("%d/%m/%Y"),
                valid_from=exemption.valid_from.strftime("%d/%m/%Y"),
                valid_to=exemption.valid_to.strftime("%d/%m/%Y"),
            )
        if exemption.channels and int(channel) not in exemption.channels:
            raise DomainError(
                ErrorCode.FEE_EXEMPTION_NOT_APPLICABLE, field="fee_exemption", key=key
            )
        if exemption.procedure_codes and procedure_code not in exemption.procedure_codes:
            raise DomainError(
                ErrorCode.FEE_EXEMPTION_NOT_APPLICABLE, field="fee_exemption", key=key
            )
        if collected:
            raise DomainError(ErrorCode.FEE_INVALID, field="fee_collected")
        basis = exemption.basis
    return FeePayment(
        due=due,
        collected=collected,
        method=method,
        receipt_no=receipt,
        exemption=key,
        basis=basis,
        note=note,
    )


def exemptions_on(rules: RuleSet, on: date, channel: int, procedure_code: str) -> list[str]:
    """Keys of the rule set's exemptions that may apply to a dossier (the form's choices)."""
    return [
        e.key
        for e in rules.fee_exemptions
        if e.covers(on)
        and (not e.channels or int(channel) in e.channels)
        and (not e.procedure_codes or procedure_code in e.procedure_codes)
    ]


# --- fee totals of a period (the reference of the fee sums of storage/report_sql.py) ---------
#
# A period's fees are those of the dossiers received in it (Vietnam dates, both days
# included; never-received ones left out), whenever they were paid:
# - ``due``: the amounts due of the dossiers not exempted (unknown amounts count 0);
# - ``collected``: what was collected in all; ``outstanding``: of the known amounts due of
#   dossiers not exempted, what is still to collect;
# - ``exempt``: how many dossiers were exempted; ``unknown``: how many have no amount due, no
#   collection and no exemption (the catalogue gave none and the officer typed none).

NOT_COUNTED = frozenset({"guided", "refused", "online_submitted"})


@dataclass(frozen=True, slots=True)
class FeeTotals:
    dossiers: int = 0
    due: int = 0
    collected: int = 0
    outstanding: int = 0
    exempt: int = 0
    unknown: int = 0

    def __add__(self, other: FeeTotals) -> FeeTotals:
        return FeeTotals(
            self.dossiers + other.dossiers,
            self.due + other.due,
            self.collected + other.collected,
            self.outstanding + other.outstanding,
            self.exempt + other.exempt,
            self.unknown + other.unknown,
        )

    def to_dict(self) -> dict[str, int]:
        return {
            "dossiers": self.dossiers,
            "due": self.due,
            "collected": self.collected,
            "outstanding": self.outstanding,
            "exempt": self.exempt,
            "unknown": self.unknown,
        }


def fee_totals_of(due: int | None, collected: int, exempt: bool) -> FeeTotals:
    """One dossier's contribution to a period's fee totals."""
    owed = 0 if exempt or due is None else due
    return FeeTotals(
        dossiers=1,
        due=owed,
        collected=collected,
        outstanding=max(0, owed - collected),
        exempt=int(exempt),
        unknown=int(due is None and not collected and not exempt),
    )
