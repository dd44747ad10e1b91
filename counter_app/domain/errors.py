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
    QR_KEYBOARD_MANGLED = "qr_keyboard_mangled"
    # Processing time and due dates
    TIME_TEXT_INVALID = "time_text_invalid"
    TIME_UNKNOWN_FOR_PROCEDURE = "time_unknown_for_procedure"
    OFFICE_HOURS_INVALID = "office_hours_invalid"
    CALENDAR_YEAR_UNSUPPORTED = "calendar_year_unsupported"
    # Applicant and reception input
    APPLICANT_FIELD_MISSING = "applicant_field_missing"
    APPLICANT_FIELD_INVALID = "applicant_field_invalid"
    # The officer's own entry for an action (a reason, a receiver, a rating, ...): named by
    # its label, never as the applicant's information
    ACTION_FIELD_MISSING = "action_field_missing"
    ACTION_FIELD_INVALID = "action_field_invalid"
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
    # Faults of the data folder (issue 11): none of them is damage, none asks for a restore
    # except a database that is gone while the folder shows the station existed.
    DATA_FOLDER_READ_ONLY = "data_folder_read_only"
    DATA_FOLDER_FULL = "data_folder_full"
    DATABASE_LOCKED = "database_locked"
    DATABASE_MISSING = "database_missing"
    # A lost or emptied database never re-mints (issue 17, storage/loss.py)
    DATABASE_EMPTY = "database_empty"  # counter.db has 0 bytes
    DATABASE_NOT_SQLITE = "database_not_sqlite"  # counter.db is not an SQLite file
    DATABASE_PRESENT = "database_present"  # new-database refused: the file is SQLite
    STORAGE_IO_ERROR = "storage_io_error"
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
    SYNC_INSECURE_URL = "sync_insecure_url"  # plain http to a server that is not loopback
    PRINTER_REFUSED = "printer_refused"  # the queue does not accept jobs
    PRINTER_STOPPED = "printer_stopped"  # the queue is stopped or paused
    PRINTER_JOB_FAILED = "printer_job_failed"  # the job was held, cancelled or aborted
    PRINTER_TIMEOUT = "printer_timeout"  # the job did not complete in time
    # Digitisation: scans and files (issue 6)
    SCAN_FILE_TYPE_UNSUPPORTED = "scan_file_type_unsupported"
    SCAN_FILE_UNREADABLE = "scan_file_unreadable"
    SCAN_FILE_TOO_LARGE = "scan_file_too_large"
    SCAN_PDF_ENCRYPTED = "scan_pdf_encrypted"
    SCAN_NO_PAGES = "scan_no_pages"
    SCAN_PAGE_NOT_FOUND = "scan_page_not_found"
    SCAN_ROTATION_INVALID = "scan_rotation_invalid"
    SCAN_FOLDER_UNREADABLE = "scan_folder_unreadable"
    COMPONENT_NOT_FOUND = "component_not_found"
    COMPONENT_NOT_DIGITISED = "component_not_digitised"
    SIGNED_PDF_INVALID = "signed_pdf_invalid"
    SIGNED_PDF_MISMATCH = "signed_pdf_mismatch"
    SIGNER_NAME_MISSING = "signer_name_missing"
    RECEIPT_NOT_AVAILABLE = "receipt_not_available"
    RECEIPT_SIGNED_MISMATCH = "receipt_signed_mismatch"
    # Signing (issue 6)
    SCANNER_NOT_FOUND = "scanner_not_found"
    SCANNER_FAILED = "scanner_failed"
    SCANNER_FEEDER_EMPTY = "scanner_feeder_empty"
    SCANNER_NO_FEEDER = "scanner_no_feeder"
    SCANNER_UNSUPPORTED = "scanner_unsupported"
    SIGNING_LIBRARY_NOT_FOUND = "signing_library_not_found"
    SIGNING_TOKEN_NOT_FOUND = "signing_token_not_found"
    SIGNING_KEY_NOT_FOUND = "signing_key_not_found"
    SIGNING_PIN_WRONG = "signing_pin_wrong"
    SIGNING_PIN_FINAL_TRY = "signing_pin_final_try"
    SIGNING_PIN_LOCKED = "signing_pin_locked"
    SIGNING_PKCS12_UNREADABLE = "signing_pkcs12_unreadable"
    SIGNING_CERT_EXPIRED = "signing_cert_expired"
    SIGNING_CERT_NOT_YET_VALID = "signing_cert_not_yet_valid"
    SIGNING_CERT_NOT_FOR_SIGNING = "signing_cert_not_for_signing"
    SIGNING_PDF_INVALID = "signing_pdf_invalid"
    SIGNING_FAILED = "signing_failed"
    # Attachment sync (issue 6)
    ATTACHMENT_NOT_FOUND = "attachment_not_found"
    ATTACHMENT_CORRUPT = "attachment_corrupt"
    ATTACHMENT_REJECTED = "attachment_rejected"
    ATTACHMENT_QUOTA_EXCEEDED = "attachment_quota_exceeded"  # the station's quota for today
    ATTACHMENT_OTHER_OFFICE = "attachment_other_office"  # held by another office: refused
    ATTACHMENT_FETCH_CANCELLED = "attachment_fetch_cancelled"  # the officer stopped the download
    # First-start wizard (issue 7)
    SETUP_ALREADY_DONE = "setup_already_done"
    SETUP_PASSWORDS_DIFFER = "setup_passwords_differ"
    SETUP_PASSWORD_SHORT = "setup_password_short"
    SETUP_SERVER_URL_INVALID = "setup_server_url_invalid"
    SETUP_ENROL_CODE_EMPTY = "setup_enrol_code_empty"
    SETUP_MODE_INVALID = "setup_mode_invalid"
    SETUP_HAS_DOSSIERS = "setup_has_dossiers"
    # Backups, upgrades and support (issue 7)
    BACKUP_FAILED = "backup_failed"
    BACKUP_COPY_FAILED = "backup_copy_failed"
    BACKUP_DIR_INVALID = "backup_dir_invalid"
    UPGRADE_BACKUP_FAILED = "upgrade_backup_failed"
    # Secrets at rest (issue 17)
    BACKUP_KEY_MISSING = "backup_key_missing"  # no office backup passphrase set yet
    BACKUP_KEY_WRONG = "backup_key_wrong"  # the passphrase does not open this backup
    # Incremental backups (issue 16): a link of the chain missing, cut or changed
    BACKUP_CHAIN_BROKEN = "backup_chain_broken"
    PASSWORD_WEAK = "password_weak"  # detail: short / demo / username
    OFFICER_LOCKED_OUT = "officer_locked_out"  # seconds: how long to wait
    # Conflicts between stations (issue 12)
    CONFLICT_SETTLE_NOT_ALLOWED = "conflict_settle_not_allowed"  # an officer, not a leader
    CONFLICT_NOT_FOUND = "conflict_not_found"  # the dossier has no open conflict
    CONFLICT_VOID_INVALID = "conflict_void_invalid"  # not an event of its open conflicts
    CONFLICT_NOTE_MISSING = "conflict_note_missing"  # a settlement says why
    # Codes after a loss, offline prefixes (issue 12, storage/recovery.py)
    OFFLINE_PREFIX_INVALID = "offline_prefix_invalid"  # field, value: the wizard's number
    CODES_RECOVERY_PENDING = "codes_recovery_pending"  # reason: restore / ledger_lost / ...
    CODES_RECOVERY_NOT_PENDING = "codes_recovery_not_pending"  # nothing to confirm
    CODE_COUNTER_EXHAUSTED = "code_counter_exhausted"  # normal numbering hit the recovery range
    # Fees at the counter (issue 13, item 7; domain/fees.py): each names its ``field``
    FEE_INVALID = "fee_invalid"  # an amount, the method or a collected amount beside an exemption
    FEE_EXEMPTION_UNKNOWN = "fee_exemption_unknown"  # not an exemption of the dossier's rules
    FEE_EXEMPTION_OUT_OF_DATES = "fee_exemption_out_of_dates"  # day, valid_from, valid_to
    FEE_EXEMPTION_NOT_APPLICABLE = "fee_exemption_not_applicable"  # channel or procedure
    # Roles (issue 13, item 8; services/permissions.py)
    ROLE_REQUIRED = "role_required"  # action, roles: who may; username: who tried
    APPROVAL_NOT_FOUND = "approval_not_found"  # no draft waiting with this id
    RATING_ALREADY_RECORDED = "rating_already_recorded"  # a second rating needs its reason
    # Office LAN sync (issue 15 item 1; sync/lan, texts/lan.py)
    LAN_NO_SECRET = "lan_no_secret"  # the station holds no office secret (not paired)
    LAN_PAIRING_CODE_INVALID = "lan_pairing_code_invalid"  # not 24 letters and digits
    LAN_PEER_UNREACHABLE = "lan_peer_unreachable"  # address: no answer there
    LAN_PEER_REFUSED = "lan_peer_refused"  # address: the peer refused our proof (401)
    LAN_PEER_LOCKED = "lan_peer_locked"  # address, seconds: too many refused attempts (429)
    LAN_PEER_NOT_OFFICE = "lan_peer_not_office"  # address: it does not hold our secret
    LAN_PEER_CERT_CHANGED = "lan_peer_cert_changed"  # address, station: not the pinned one
    LAN_PEER_ERROR = "lan_peer_error"  # address, detail: an answer that is not protocol
    LAN_ADDRESS_INVALID = "lan_address_invalid"  # value: not host:port
    # USB sync bundles (issue 15 item 2; sync/usb_bundle.py, texts/bundles.py)
    BUNDLE_UNREADABLE = "bundle_unreadable"  # path: the file cannot be read
    BUNDLE_NOT_WRITTEN = "bundle_not_written"  # path: the stick is full, read-only or gone
    BUNDLE_TRUNCATED = "bundle_truncated"  # cut short (copy not finished, stick pulled)
    BUNDLE_NOT_A_BUNDLE = "bundle_not_a_bundle"  # another kind of file
    BUNDLE_NEWER_FORMAT = "bundle_newer_format"  # made by a newer version
    BUNDLE_TAMPERED = "bundle_tampered"  # signature or authentication tag wrong
    BUNDLE_WRONG_SIGNER = "bundle_wrong_signer"  # not signed by this province / not for us
    BUNDLE_TOO_LARGE = "bundle_too_large"
    BUNDLE_MALFORMED = "bundle_malformed"  # decrypted, but not a valid content
    BUNDLE_WRONG_KIND = "bundle_wrong_kind"  # a station bundle given back to a station
    BUNDLE_OTHER_STATION = "bundle_other_station"  # the return bundle of another station
    BUNDLE_PROVINCE_KEY_MISSING = "bundle_province_key_missing"  # never got the province key


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
