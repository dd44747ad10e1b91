"""USB sync bundles (issue 15 item 2): one signed, encrypted file carrying a push or a pull.

A station with no link writes a **station bundle** (its push queue as push batches, its scans
not yet uploaded, and what the province needs to answer: its pull cursor and reference
version); the province applies it as pushes and writes a **return bundle** (the push answers,
the scans it now holds, the office's events as pull pages, reference data, the station's code
high-water marks, the province's current public keys). Both sides use this module; it is the
only part of ``sync_protocol`` that needs ``cryptography`` (a dependency of both).

File layout (all lengths big-endian)::

    MAGIC (8 bytes, the last one the format version) | header length (4) | header (JSON)
    | body length (8) | body (AES-256-GCM ciphertext and tag) | Ed25519 signature (64)

- The header is compact JSON in clear (kind, ids, the signer's and the recipient's public
  keys, the ephemeral key and nonce): what is needed to decide whom to trust, before any
  decryption. It is authenticated twice: the signature covers every byte before it, and the
  header is the AEAD's associated data.
- The body is encrypted for the recipient (HPKE-like: an ephemeral X25519 key agreed with the
  recipient's X25519 key, HKDF-SHA256, AES-256-GCM); its plaintext is zlib deflate with the
  sync's preset dictionary (``sync_protocol/zdict``) of the content's JSON, inflated with a
  bound (:data:`MAX_CONTENT_BYTES`).
- Guarantees of :func:`open_bundle`: a file cut anywhere is :data:`TRUNCATED`; a byte changed
  anywhere, or bytes appended, is :data:`TAMPERED` (signature or tag); a valid file signed by
  another key than the expected one is :data:`WRONG_SIGNER`; nothing is returned that did not
  pass every check, and the content passes the protocol's ``from_json`` validators.

Keys: a party's :class:`BundleKeys` hold an Ed25519 signing key and an X25519 agreement key;
its public form (:meth:`BundleKeys.public_text`) is ``qmc1:`` + base64 of the two 32-byte
public keys (agreement first). A station proves a new signing key is its own with
:func:`key_proof`, an HMAC keyed by the SHA-256 digest of its station token (the digest is all
the province stores of the token): a first bundle is trusted without any online step.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import struct
import zlib
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from sync_protocol.attachments import MAX_ATTACHMENT_BYTES, is_mime, is_sha256
from sync_protocol.codes import MarksResponse
from sync_protocol.reference import ReferenceResponse
from sync_protocol.v1 import (
    ProtocolError,
    PullResponse,
    PushRequest,
    PushResponse,
    _int,
    _list,
    _obj,
    _str,
    _uuid,
    dumps,
    loads,
)
from sync_protocol.zdict import dictionary

FORMAT = 1
MAGIC_BASE = b"QMCSYN"
MAGIC = MAGIC_BASE + b"\x0a" + bytes([FORMAT])  # "QMCSYN\n" + version
MAX_HEADER_BYTES = 64 * 1024
MAX_BODY_BYTES = 256 * 1024 * 1024  # ciphertext of one bundle on the stick
MAX_CONTENT_BYTES = 1024 * 1024 * 1024  # inflated JSON of one bundle
MAX_BATCHES = 10_000
MAX_PAGES = 10_000
MAX_EARLIER = 500_000
MAX_SCANS = 100_000
MAX_SCAN_BYTES = 128 * 1024 * 1024  # scan bytes one station bundle carries at most
SIGNATURE_BYTES = 64
KEY_TEXT_PREFIX = "qmc1:"
STATION = "station"
RETURN = "return"
KINDS = (STATION, RETURN)
SUFFIX = ".qmcsync"

# BundleError codes (each side says them in its own words).
TRUNCATED = "truncated"  # the file ends before its declared end
NOT_A_BUNDLE = "not_a_bundle"  # not this format at all
NEWER_FORMAT = "newer_format"  # a later format version: update the application
TAMPERED = "tampered"  # a byte changed or added: signature or tag wrong
WRONG_SIGNER = "wrong_signer"  # valid, but signed by a key this side does not trust
TOO_LARGE = "too_large"  # past the bounds above
MALFORMED = "malformed"  # decrypted, but not a valid content

_HKDF_INFO = b"qmc-sync-bundle-v1 "
_PROOF_CONTEXT = b"qmc-bundle-key-v1|"
_PREFIX = struct.Struct(">I")
_BODY_LEN = struct.Struct(">Q")


class BundleError(ValueError):
    """A bundle refused; ``code`` is one of the constants above, ``detail`` English."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _unb64(text: Any, size: int, what: str) -> bytes:
    try:
        raw = base64.b64decode(str(text), validate=True)
    except (ValueError, TypeError):
        raise BundleError(MALFORMED, f"{what}: base64 expected") from None
    if len(raw) != size:
        raise BundleError(MALFORMED, f"{what}: {size} bytes expected")
    return raw


# --- keys -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PublicKeys:
    """A party's public keys: X25519 (to encrypt for it) and Ed25519 (to check it signed)."""

    agreement: bytes
    signing: bytes

    @property
    def text(self) -> str:
        return KEY_TEXT_PREFIX + _b64(self.agreement + self.signing)

    @classmethod
    def parse(cls, text: str) -> PublicKeys:
        """The keys of a ``qmc1:`` text; BundleError(MALFORMED) for anything else."""
        if not isinstance(text, str) or not text.startswith(KEY_TEXT_PREFIX):
            raise BundleError(MALFORMED, "public key: qmc1: text expected")
        raw = _unb64(text[len(KEY_TEXT_PREFIX) :], 64, "public key")
        return cls(raw[:32], raw[32:])


@dataclass(frozen=True, slots=True)
class BundleKeys:
    """A party's private keys (kept secret: the station's secret store, the server's file)."""

    signing: Ed25519PrivateKey
    agreement: X25519PrivateKey

    @classmethod
    def generate(cls) -> BundleKeys:
        return cls(Ed25519PrivateKey.generate(), X25519PrivateKey.generate())

    def public(self) -> PublicKeys:
        raw = serialization.Encoding.Raw, serialization.PublicFormat.Raw
        return PublicKeys(
            self.agreement.public_key().public_bytes(*raw),
            self.signing.public_key().public_bytes(*raw),
        )

    def public_text(self) -> str:
        return self.public().text

    def secret_text(self) -> str:
        """The private keys as one JSON text (for a secret store or a 0600 file)."""
        raw = (
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )
        return json.dumps(
            {
                "format": FORMAT,
                "ed25519": _b64(self.signing.private_bytes(*raw)),
                "x25519": _b64(self.agreement.private_bytes(*raw)),
            }
        )

    @classmethod
    def from_secret_text(cls, text: str) -> BundleKeys:
        try:
            data = json.loads(text)
        except ValueError:
            raise BundleError(MALFORMED, "private keys: JSON expected") from None
        if not isinstance(data, dict):
            raise BundleError(MALFORMED, "private keys: object expected")
        return cls(
            Ed25519PrivateKey.from_private_bytes(_unb64(data.get("ed25519"), 32, "ed25519")),
            X25519PrivateKey.from_private_bytes(_unb64(data.get("x25519"), 32, "x25519")),
        )


def token_digest(token: str) -> str:
    """What the province stores of a station token (``stations.token_hash``)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def key_proof(digest_hex: str, station_id: str, signing_public: bytes) -> str:
    """HMAC-SHA256, keyed by the token's digest, of the station id and its signing key."""
    message = _PROOF_CONTEXT + station_id.encode("ascii") + b"|" + signing_public
    return hmac.new(digest_hex.encode("ascii"), message, hashlib.sha256).hexdigest()


def proof_valid(proof: str, digest_hex: str, station_id: str, signing_public: bytes) -> bool:
    return hmac.compare_digest(proof, key_proof(digest_hex, station_id, signing_public))


# --- header ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BundleHeader:
    """The clear part of a bundle (authenticated, not secret)."""

    kind: str
    bundle_id: str
    station_id: str
    agency_id: str
    created_at: str
    signer: bytes  # Ed25519 public key that signed the file
    recipient: bytes  # X25519 public key the body is encrypted for
    ephemeral: bytes = b""
    nonce: bytes = b""
    reply_to: str = ""  # station bundle: the station's public keys text (for the return)
    proof: str = ""  # station bundle: key_proof of ``signer``
    in_reply_to: str = ""  # return bundle: the station bundle's id
    events: int = 0  # informational: how many events the body carries
    number: int = 0  # station bundle: the station's export number (1, 2, ...)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "format": FORMAT,
            "kind": self.kind,
            "bundle_id": self.bundle_id,
            "station_id": self.station_id,
            "agency_id": self.agency_id,
            "created_at": self.created_at,
            "signer": _b64(self.signer),
            "recipient": _b64(self.recipient),
            "ephemeral": _b64(self.ephemeral),
            "nonce": _b64(self.nonce),
            "events": self.events,
            "number": self.number,
        }
        if self.reply_to:
            out["reply_to"] = self.reply_to
        if self.proof:
            out["proof"] = self.proof
        if self.in_reply_to:
            out["in_reply_to"] = self.in_reply_to
        return out

    @classmethod
    def from_json(cls, value: Any) -> BundleHeader:
        try:
            data = _obj(value, "header")
            kind = _str(data, "kind", max_len=16)
            if kind not in KINDS:
                raise BundleError(MALFORMED, "kind: station or return expected")
            reply_to = data.get("reply_to", "")
            if reply_to:
                PublicKeys.parse(reply_to)
            proof = data.get("proof", "")
            if not isinstance(proof, str) or len(proof) > 128:
                raise BundleError(MALFORMED, "proof: hex text expected")
            in_reply_to = _uuid(data, "in_reply_to") if data.get("in_reply_to") else ""
            return cls(
                kind=kind,
                bundle_id=_uuid(data, "bundle_id"),
                station_id=_uuid(data, "station_id"),
                agency_id=_str(data, "agency_id", max_len=35),
                created_at=_str(data, "created_at", max_len=40),
                signer=_unb64(data.get("signer"), 32, "signer"),
                recipient=_unb64(data.get("recipient"), 32, "recipient"),
                ephemeral=_unb64(data.get("ephemeral"), 32, "ephemeral"),
                nonce=_unb64(data.get("nonce"), 12, "nonce"),
                reply_to=str(reply_to),
                proof=proof,
                in_reply_to=in_reply_to,
                events=_int(data, "events"),
                number=_int(data, "number"),
            )
        except ProtocolError as error:
            raise BundleError(MALFORMED, error.detail) from None


# --- the file ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Parts:
    header: BundleHeader
    signed: bytes  # every byte before the signature
    aad: bytes  # magic, header length and header
    body: bytes
    signature: bytes


def _key(shared: bytes, ephemeral: bytes, recipient: bytes, kind: str) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=ephemeral + recipient,
        info=_HKDF_INFO + kind.encode("ascii"),
    ).derive(shared)


def _deflate(raw: bytes) -> bytes:
    deflater = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS, 9, zdict=dictionary("v1"))
    return deflater.compress(raw) + deflater.flush()


def _inflate(data: bytes) -> bytes:
    inflater = zlib.decompressobj(wbits=zlib.MAX_WBITS, zdict=dictionary("v1"))
    try:
        raw = inflater.decompress(data, MAX_CONTENT_BYTES + 1)
    except zlib.error:
        raise BundleError(MALFORMED, "content is not deflate") from None
    if len(raw) > MAX_CONTENT_BYTES:
        raise BundleError(TOO_LARGE, f"content past {MAX_CONTENT_BYTES} bytes")
    if not inflater.eof or inflater.unused_data or inflater.unconsumed_tail:
        raise BundleError(MALFORMED, "content stream truncated")
    return raw


def seal(header: BundleHeader, content: dict[str, Any], *, signer: BundleKeys) -> bytes:
    """The bytes of a bundle: ``content`` encrypted for ``header.recipient``, signed by
    ``signer`` (whose public key must be ``header.signer``)."""
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = ephemeral.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    nonce = os.urandom(12)
    sealed_header = _with(header, ephemeral_public, nonce)
    if sealed_header.signer != signer.public().signing:
        raise ValueError("header.signer is not the signing key")
    header_raw = dumps(sealed_header.to_json()).encode("utf-8")
    if len(header_raw) > MAX_HEADER_BYTES:
        raise BundleError(TOO_LARGE, "header")
    aad = MAGIC + _PREFIX.pack(len(header_raw)) + header_raw
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(header.recipient))
    key = _key(shared, ephemeral_public, header.recipient, header.kind)
    body = AESGCM(key).encrypt(nonce, _deflate(dumps(content).encode("utf-8")), aad)
    if len(body) > MAX_BODY_BYTES:
        raise BundleError(TOO_LARGE, f"body past {MAX_BODY_BYTES} bytes")
    signed = aad + _BODY_LEN.pack(len(body)) + body
    return signed + signer.signing.sign(signed)


def _with(header: BundleHeader, ephemeral: bytes, nonce: bytes) -> BundleHeader:
    values = {f: getattr(header, f) for f in BundleHeader.__dataclass_fields__}
    values.update(ephemeral=ephemeral, nonce=nonce)
    return BundleHeader(**values)


def _split(data: bytes) -> _Parts:
    if len(data) < len(MAGIC):
        if MAGIC.startswith(data):  # (an empty file too)
            raise BundleError(TRUNCATED, "shorter than the magic")
        raise BundleError(NOT_A_BUNDLE, "no magic")
    if data[: len(MAGIC_BASE)] != MAGIC_BASE:
        raise BundleError(NOT_A_BUNDLE, "no magic")
    if data[: len(MAGIC)] != MAGIC:
        if data[len(MAGIC) - 1] > FORMAT:
            raise BundleError(NEWER_FORMAT, f"format {data[len(MAGIC) - 1]}")
        raise BundleError(NOT_A_BUNDLE, "bad magic")
    at = len(MAGIC)
    if len(data) < at + _PREFIX.size:
        raise BundleError(TRUNCATED, "header length")
    (header_len,) = _PREFIX.unpack_from(data, at)
    if header_len > MAX_HEADER_BYTES:
        raise BundleError(TAMPERED, "header length out of bounds")
    at += _PREFIX.size
    if len(data) < at + header_len + _BODY_LEN.size:
        raise BundleError(TRUNCATED, "header")
    header_raw = data[at : at + header_len]
    aad = data[: at + header_len]
    at += header_len
    (body_len,) = _BODY_LEN.unpack_from(data, at)
    if body_len > MAX_BODY_BYTES:
        raise BundleError(TAMPERED, "body length out of bounds")
    at += _BODY_LEN.size
    end = at + body_len + SIGNATURE_BYTES
    if len(data) < end:
        raise BundleError(TRUNCATED, f"{len(data)} of {end} bytes")
    if len(data) > end:
        raise BundleError(TAMPERED, "bytes after the signature")
    try:
        header = BundleHeader.from_json(loads(header_raw))
    except ProtocolError:
        raise BundleError(TAMPERED, "header is not JSON") from None
    except BundleError as error:
        raise BundleError(TAMPERED, f"header: {error.detail}") from None
    return _Parts(header, data[: at + body_len], aad, data[at : at + body_len], data[end - 64 :])


def read_header(data: bytes) -> BundleHeader:
    """The header of a bundle whose framing is whole (nothing is trusted yet)."""
    return _split(data).header


def open_bundle(data: bytes, *, signer: bytes, recipient: BundleKeys) -> dict[str, Any]:
    """The content of a bundle signed by ``signer`` (Ed25519 public key) and encrypted for
    ``recipient``; BundleError otherwise (see the module docstring)."""
    parts = _split(data)
    try:
        Ed25519PublicKey.from_public_bytes(parts.header.signer).verify(
            parts.signature, parts.signed
        )
    except InvalidSignature:
        raise BundleError(TAMPERED, "signature does not match") from None
    if not hmac.compare_digest(parts.header.signer, signer):
        raise BundleError(WRONG_SIGNER, "signed by another key")
    own = recipient.public().agreement
    if not hmac.compare_digest(parts.header.recipient, own):
        raise BundleError(WRONG_SIGNER, "encrypted for another key")
    header = parts.header
    shared = recipient.agreement.exchange(X25519PublicKey.from_public_bytes(header.ephemeral))
    key = _key(shared, header.ephemeral, own, header.kind)
    try:
        plain = AESGCM(key).decrypt(header.nonce, parts.body, parts.aad)
    except InvalidTag:
        raise BundleError(TAMPERED, "authentication tag does not match") from None
    try:
        return _obj(loads(_inflate(plain)), "content")
    except ProtocolError as error:
        raise BundleError(MALFORMED, error.detail) from None


# --- contents ---------------------------------------------------------------------------------


def _uuids(data: dict[str, Any], key: str) -> tuple[str, ...]:
    values = _list(data, key, max_items=MAX_EARLIER) if key in data else []
    return tuple(_uuid({"id": v}, "id") for v in values)


def _shas(data: dict[str, Any], key: str) -> tuple[str, ...]:
    values = _list(data, key, max_items=MAX_SCANS) if key in data else []
    if not all(isinstance(v, str) and is_sha256(v) for v in values):
        raise BundleError(MALFORMED, f"{key}: SHA-256 values expected")
    return tuple(values)


@dataclass(frozen=True, slots=True)
class ScanWire:
    """A scan (or signed PDF) not yet held by the province: its name, type and bytes."""

    sha256: str
    mime: str
    data: bytes

    def to_json(self) -> dict[str, Any]:
        return {"sha256": self.sha256, "mime": self.mime, "data": _b64(self.data)}

    @classmethod
    def from_json(cls, value: Any) -> ScanWire:
        data = _obj(value, "scan")
        sha256 = _str(data, "sha256", max_len=64)
        mime = _str(data, "mime", max_len=129)
        if not is_sha256(sha256) or not is_mime(mime):
            raise BundleError(MALFORMED, "scan: sha256 and type/subtype expected")
        raw_text = data.get("data")
        if not isinstance(raw_text, str) or len(raw_text) > MAX_ATTACHMENT_BYTES * 4 // 3 + 4:
            raise BundleError(MALFORMED, "scan: base64 data expected")
        try:
            raw = base64.b64decode(raw_text, validate=True)
        except ValueError:
            raise BundleError(MALFORMED, "scan: base64 data expected") from None
        if hashlib.sha256(raw).hexdigest() != sha256:
            raise BundleError(MALFORMED, "scan: bytes do not match their SHA-256")
        return cls(sha256, mime, raw)


@dataclass(frozen=True, slots=True)
class StationContent:
    """What a station bundle carries: push batches and what a pull would send."""

    batches: tuple[PushRequest, ...]
    cursor: int  # the station's pull cursor (the province answers the events after it)
    reference_version: int  # the station's reference version
    earlier: tuple[str, ...] = ()  # events of earlier bundles still waiting at the station
    waiting: int = 0  # events in the station's outbox when it exported
    scans: tuple[ScanWire, ...] = ()  # blobs queued for upload, not in an earlier bundle

    def to_json(self) -> dict[str, Any]:
        return {
            "batches": [b.to_json() for b in self.batches],
            "cursor": self.cursor,
            "reference_version": self.reference_version,
            "earlier": list(self.earlier),
            "waiting": self.waiting,
            "scans": [scan.to_json() for scan in self.scans],
        }

    @classmethod
    def from_json(cls, value: Any) -> StationContent:
        try:
            data = _obj(value, "station content")
            return cls(
                batches=tuple(
                    PushRequest.from_json(b) for b in _list(data, "batches", max_items=MAX_BATCHES)
                ),
                cursor=_int(data, "cursor"),
                reference_version=_int(data, "reference_version"),
                earlier=_uuids(data, "earlier"),
                waiting=_int(data, "waiting"),
                scans=tuple(
                    ScanWire.from_json(v)
                    for v in (_list(data, "scans", max_items=MAX_SCANS) if "scans" in data else [])
                ),
            )
        except ProtocolError as error:
            raise BundleError(MALFORMED, error.detail) from None


@dataclass(frozen=True, slots=True)
class ReturnContent:
    """What a return bundle carries: push answers and a pull (pages, reference, marks)."""

    results: tuple[PushResponse, ...]
    pages: tuple[PullResponse, ...]
    marks: MarksResponse
    reference: ReferenceResponse | None = None
    earlier_stored: tuple[str, ...] = ()  # of ``earlier``: the province holds them
    earlier_missing: tuple[str, ...] = ()  # of ``earlier``: never reached the province
    bundle_key: str = ""  # the province's current public keys
    summary: dict[str, int] = field(default_factory=dict)  # counts, for the messages
    already_imported: bool = False  # the station bundle had been imported before
    scans_stored: tuple[str, ...] = ()  # sha256 of the bundle's scans the province now holds
    chain_heads: tuple[int, ...] = ()  # the history-chain heads of the batches applied

    def to_json(self) -> dict[str, Any]:
        return {
            "chain_heads": list(self.chain_heads),
            "scans_stored": list(self.scans_stored),
            "results": [r.to_json() for r in self.results],
            "pages": [p.to_json() for p in self.pages],
            "marks": self.marks.to_json(),
            "reference": self.reference.to_json() if self.reference is not None else None,
            "earlier_stored": list(self.earlier_stored),
            "earlier_missing": list(self.earlier_missing),
            "bundle_key": self.bundle_key,
            "summary": dict(self.summary),
            "already_imported": self.already_imported,
        }

    @classmethod
    def from_json(cls, value: Any) -> ReturnContent:
        try:
            data = _obj(value, "return content")
            reference = data.get("reference")
            key = data.get("bundle_key") or ""
            if key:
                PublicKeys.parse(key)
            summary = _obj(data.get("summary", {}), "summary")
            return cls(
                results=tuple(
                    PushResponse.from_json(r) for r in _list(data, "results", max_items=MAX_BATCHES)
                ),
                pages=tuple(
                    PullResponse.from_json(p) for p in _list(data, "pages", max_items=MAX_PAGES)
                ),
                marks=MarksResponse.from_json(data.get("marks")),
                reference=None if reference is None else ReferenceResponse.from_json(reference),
                earlier_stored=_uuids(data, "earlier_stored"),
                earlier_missing=_uuids(data, "earlier_missing"),
                bundle_key=key,
                summary={str(k): _int(summary, k) for k in summary},
                already_imported=bool(data.get("already_imported", False)),
                scans_stored=_shas(data, "scans_stored"),
                chain_heads=tuple(
                    _int({"pos": v}, "pos")
                    for v in (
                        _list(data, "chain_heads", max_items=MAX_BATCHES)
                        if "chain_heads" in data
                        else []
                    )
                ),
            )
        except ProtocolError as error:
            raise BundleError(MALFORMED, error.detail) from None
