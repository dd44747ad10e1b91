"""Channels and identity at reception (issue 13 item 6; law-2026.md §1, Decree 309/2026).

- Where an online dossier was filed: at a smart kiosk (ki-ốt thông minh, Art. 3.9) or in the
  VNeID application (Decree 367/2025). Both are electronic filings: the national channel
  code becomes 2 (trực tuyến; one-stop-rules §1.1 knows only 1/2/3) and stays what the
  reports and the province count. They are offered only for a procedure whose catalogue
  entry lists online filing (``online_allowed``; unknown: allowed, the officer decides).
- How the identity was checked: the ID card seen, its QR read, its chip read, the VNeID
  account. At a kiosk there is no officer to look at the card: the identity is verified by
  VNeID or the chip (Art. 17.2a), so "card seen" and "QR read" are refused there.
- Where the data came from (Art. 4.2a): the national databases, or papers because the
  databases could not be reached (an incident: the legal basis of working offline).

Every field is optional: a reception that says nothing stores nothing (older stations'
events look the same).
"""

from __future__ import annotations

from typing import Any

from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.domain.models import Channel, ChannelDetail, DataSource, IdentityCheck

_AT_KIOSK = frozenset({IdentityCheck.CHIP_READ, IdentityCheck.VNEID})


def _choice(enum: Any, value: str, field: str) -> Any:
    if not value:
        return None
    try:
        return enum(value)
    except ValueError:
        raise DomainError(ErrorCode.APPLICANT_FIELD_INVALID, field=field) from None


def reception_identity(
    *,
    channel: Channel,
    channel_detail: str = "",
    identity_check: str = "",
    data_source: str = "",
    online_allowed: bool | None = None,
) -> tuple[Channel, dict[str, str]]:
    """The channel to record and the creating payload's identity fields (only those given).

    Raises ``APPLICANT_FIELD_INVALID`` naming the field: an unknown value; a kiosk or VNeID
    filing for a procedure the catalogue offers no online filing for, or with a postal
    channel (``channel_detail``); a kiosk reception whose identity was only looked at or
    read from the QR (``identity_check``).
    """
    detail = _choice(ChannelDetail, channel_detail, "channel_detail")
    check = _choice(IdentityCheck, identity_check, "identity_check")
    source = _choice(DataSource, data_source, "data_source")
    fields: dict[str, str] = {}
    if detail is not None:
        if online_allowed is False or channel is Channel.POSTAL:
            raise DomainError(ErrorCode.APPLICANT_FIELD_INVALID, field="channel_detail")
        if detail is ChannelDetail.KIOSK and check is not None and check not in _AT_KIOSK:
            raise DomainError(ErrorCode.APPLICANT_FIELD_INVALID, field="identity_check")
        channel = Channel.ONLINE
        fields["channel_detail"] = detail.value
    if check is not None:
        fields["identity_check"] = check.value
    if source is not None:
        fields["data_source"] = source.value
    return channel, fields
