"""Each counter's own TLS identity for its peer server: a self-signed certificate.

Made once (EC P-256, 20 years, common name the station id) in ``<data folder>/lan/``: the key
readable by the user only (0600). Peers pin the certificate's SHA-256 at the first contact
authenticated by the office secret (``sync_protocol.lan``); there is no certificate
authority. The folder is not in any backup: a station restored on a new PC makes a new
certificate, which its peers refuse until an administrator forgets the old pin
(``counter-app lan-peers --forget``).
"""

from __future__ import annotations

import os
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from sync_protocol.lan import fingerprint

LAN_DIR = "lan"
CERT_FILE = "peer-cert.pem"
KEY_FILE = "peer-key.pem"


@dataclass(frozen=True, slots=True)
class PeerIdentity:
    cert_path: Path
    key_path: Path
    fingerprint: str  # SHA-256 of the DER certificate

    def server_context(self) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.load_cert_chain(self.cert_path, self.key_path)
        return context


def peer_identity(data_dir: Path, station_id: str) -> PeerIdentity:
    """The station's certificate, made now if it has none (or one for another station id)."""
    folder = data_dir / LAN_DIR
    cert_path, key_path = folder / CERT_FILE, folder / KEY_FILE
    der = _read_der(cert_path, station_id) if key_path.exists() else None
    if der is None:
        der = _make(folder, cert_path, key_path, station_id)
    return PeerIdentity(cert_path, key_path, fingerprint(der))


def _read_der(path: Path, station_id: str) -> bytes | None:
    try:
        cert = x509.load_pem_x509_certificate(path.read_bytes())
    except (OSError, ValueError):
        return None
    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    if not names or names[0].value != station_id:
        return None
    return cert.public_bytes(serialization.Encoding.DER)


def _make(folder: Path, cert_path: Path, key_path: Path, station_id: str) -> bytes:
    folder.mkdir(parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, station_id)])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365 * 20))
        .sign(key, hashes.SHA256())
    )
    _write(
        key_path,
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
    )
    _write(cert_path, cert.public_bytes(serialization.Encoding.PEM))
    return cert.public_bytes(serialization.Encoding.DER)


def _write(path: Path, data: bytes) -> None:
    partial = path.with_name(path.name + ".part")
    partial.unlink(missing_ok=True)
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(partial, path)
