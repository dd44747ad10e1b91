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
