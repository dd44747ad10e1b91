"""Domain errors: every refusal carries a machine code, never a sentence.

The Vietnamese sentence for each code lives in ``counter_app.texts`` (``error_message``);
the domain and the services only raise :class:`DomainError` with an :class:`ErrorCode` and
optional parameters used to fill the sentence.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class ErrorCode(StrEnum):
    """Every reason the counter can refuse something."""

    # Dossier codes and agency identifiers
    AGENCY_ID_INVALID = "agency_id_invalid"
    DOSSIER_CODE_INVALID = "dossier_code_invalid"
    STATION_PREFIX_INVALID = "station_prefix_invalid"
    DOSSIER_NOT_FOUND = "dossier_not_found"
    # ID-card QR
    QR_EMPTY = "qr_empty"
    QR_NOT_ID_CARD = "qr_not_id_card"
    QR_BAD_ID_NUMBER = "qr_bad_id_number"
    QR_BAD_OLD_ID = "qr_bad_old_id"
    QR_BAD_NAME = "qr_bad_name"
    QR_BAD_BIRTH_DATE = "qr_bad_birth_date"
    QR_BAD_SEX = "qr_bad_sex"
    QR_BAD_ISSUE_DATE = "qr_bad_issue_date"
    # Processing time and due dates
    TIME_TEXT_INVALID = "time_text_invalid"
    TIME_UNKNOWN_FOR_PROCEDURE = "time_unknown_for_procedure"
    OFFICE_HOURS_INVALID = "office_hours_invalid"
    CALENDAR_YEAR_UNSUPPORTED = "calendar_year_unsupported"
    # Applicant and reception input
    APPLICANT_FIELD_MISSING = "applicant_field_missing"
    APPLICANT_FIELD_INVALID = "applicant_field_invalid"
    PROCEDURE_NOT_FOUND = "procedure_not_found"
    DATETIME_INVALID = "datetime_invalid"
    DATE_INVALID = "date_invalid"
    JSON_INVALID = "json_invalid"
    FILE_UNREADABLE = "file_unreadable"
    # Status machine
    ACTION_NOT_ALLOWED = "action_not_allowed"
    APOLOGY_ALREADY_ISSUED = "apology_already_issued"
    APOLOGY_TOO_LATE = "apology_too_late"
    APOLOGY_DATE_NOT_LATER = "apology_date_not_later"
    NO_DUE_DATE = "no_due_date"
    # Officers
    OFFICER_UNKNOWN = "officer_unknown"
    OFFICER_BAD_PASSWORD = "officer_bad_password"
    OFFICER_NOT_ALLOWED = "officer_not_allowed"
    OFFICER_INPUT_INVALID = "officer_input_invalid"
    # Storage, backups
    DATABASE_DAMAGED = "database_damaged"
    DATABASE_TOO_NEW = "database_too_new"
    BACKUP_INVALID = "backup_invalid"
    SEARCH_QUERY_EMPTY = "search_query_empty"
    SETTING_INVALID = "setting_invalid"
    # Printing
    SLIP_FORM_INVALID = "slip_form_invalid"
    PAPER_SIZE_INVALID = "paper_size_invalid"
    SLIP_NOT_AVAILABLE = "slip_not_available"
    PRINTER_OFFLINE = "printer_offline"
    PRINTER_FAILED = "printer_failed"
    # Sync with the province server
    SYNC_PROTOCOL_MISMATCH = "sync_protocol_mismatch"
    SYNC_UNAUTHORIZED = "sync_unauthorized"
    SYNC_UNREACHABLE = "sync_unreachable"
    SYNC_ENROL_REFUSED = "sync_enrol_refused"
    SYNC_NOT_ENROLLED = "sync_not_enrolled"
    SYNC_SERVER_ERROR = "sync_server_error"
    # Digitisation: scans and files (issue 6)
    # Signing (issue 6)
    # Attachment sync (issue 6)
    # First-start wizard (issue 7)
    # Backups, upgrades and support (issue 7)


class DomainError(Exception):
    """A refusal with a code (see :class:`ErrorCode`) and parameters for the message."""

    def __init__(self, code: ErrorCode, /, **params: Any) -> None:
        super().__init__(code.value, params)
        self.code = code
        self.params = params

    def __str__(self) -> str:
        if not self.params:
            return self.code.value
        details = ", ".join(f"{k}={v!r}" for k, v in sorted(self.params.items()))
        return f"{self.code.value} ({details})"
