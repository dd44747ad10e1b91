"""Office LAN sync across real hosts (issue 15 item 1): Linux network namespaces.

Three counters (``a``, ``b``, ``c``) and the province server (``srv``) each in a network
namespace of their own, joined by veth pairs to one bridge (in a fifth namespace), all made
here and removed after; the only addresses are the test's own (10.213.77.0/24), nothing is
added to the machine's own namespace. PostgreSQL is reached from ``srv`` over its Unix socket
(a file, the same in every namespace). The counters are the real command line
(``counter-app``), run with ``ip netns exec``; each runs ``counter-app lan-serve`` (its peer
server and its mDNS announcement) in the background.

The story: every counter enrolled and synced once; the uplink cut (the server's veth down); a
dossier received at A is found at B through mDNS discovery and LAN sync, handed over there,
then resolved and returned at C; the uplink restored, every counter syncs with the province:
the server holds each event exactly once, every counter's dossier equals the server's
projection. Then multicast is switched off: discovery finds nothing, and the fixed peer list
still brings a second dossier from A to B.

Needs root (``ip netns``) and PostgreSQL. It is marked slow: about twenty processes, each
starting Python and opening its station, are the real command line a counter runs; about a
minute on an idle machine (four on two loaded cores). The steps' times are printed.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest

from counter_app.storage import projection
from province_server.reference import service as reference
from province_server.stations import service as stations
from province_server.testing import REPO_ROOT, ThrowawayDatabase

pytestmark = [pytest.mark.server, pytest.mark.slow]

NET = "10.213.77"
HOSTS = {"a": 1, "b": 2, "c": 3, "srv": 4, "x": 5}  # x: a stranger on the same LAN
SERVER_PORT = 18080
LAN_PORT = 47615
AGENCY = "000.00.61.H56"
PASSWORD = "mat-khau-cua-lan"
OFFICER = ("--officer", "lan.nt", "--password-stdin")
APPLICANT = {
    "name": "Nguyễn Văn Đức",
    "id_number": "001090123456",
    "birth_date": "1990-01-01",
    "sex": "Nam",
    "address": "Thôn Đông, xã Minh Hòa",
}


# What a device without the secret can ask A's peer server (run inside the stranger's host).
_STRANGER = """
import json, ssl, sys, httpx
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
base = f"https://{sys.argv[1]}/lan/v1"
h = {"X-Protocol-Version": "1"}
with httpx.Client(verify=ctx, trust_env=False, timeout=20) as http:
    hello = http.get(base + "/hello", headers=h).json()
    pull = http.get(base + "/pull", params={"cursor": 0}, headers=h).status_code
    forged = http.get(base + "/pull", headers={**h, "Authorization": "Bearer x"}).status_code
print(json.dumps({"hello": sorted(hello), "pull": pull, "forged": forged}))
"""


def _ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True, timeout=20)


def _can_make_namespaces() -> str | None:
    if shutil.which("ip") is None:
        return "the ip command (iproute2) is missing"
    if os.geteuid() != 0:
        return "network namespaces need root"
    return None


@dataclass
class Net:
    """The namespaces of one test run (names carry the pid: runs never meet)."""

    tag: str

    def ns(self, host: str) -> str:
        return f"qmc{self.tag}{host}"

    @property
    def bridge(self) -> str:
        return self.ns("br")

    def create(self) -> None:
        _ip("netns", "add", self.bridge)
        _ip("-n", self.bridge, "link", "add", "br0", "type", "bridge")
        _ip("-n", self.bridge, "link", "set", "br0", "up")
        for host, number in HOSTS.items():
            ns = self.ns(host)
            _ip("netns", "add", ns)
            port = f"p{host}"
            _ip(
                "-n",
                ns,
                "link",
                "add",
                "eth0",
                "type",
                "veth",
                "peer",
                "name",
                port,
                "netns",
                self.bridge,
            )
            _ip("-n", self.bridge, "link", "set", port, "master", "br0", "up")
            _ip("-n", ns, "addr", "add", f"{NET}.{number}/24", "dev", "eth0")
            _ip("-n", ns, "link", "set", "eth0", "up")
            _ip("-n", ns, "link", "set", "lo", "up")

    def remove(self) -> None:
        for host in [*HOSTS, "br"]:
            subprocess.run(["ip", "netns", "del", self.ns(host)], capture_output=True, check=False)

    def block_multicast(self) -> None:
        """The bridge floods no multicast to any port (what a switch that blocks it does)."""
        for host in HOSTS:
            _ip(
                "-n",
                self.bridge,
                "link",
                "set",
                "dev",
                f"p{host}",
                "type",
                "bridge_slave",
                "mcast_flood",
                "off",
            )
            _ip("-n", self.ns(host), "link", "set", "eth0", "multicast", "off")

    def link(self, host: str, *state: str) -> None:
        _ip("-n", self.ns(host), "link", "set", "eth0", *state)


class Counter:
    """One counter: its data folder and its command line inside its namespace."""

    def __init__(self, net: Net, host: str, root: Path) -> None:
        self.host = host
        self.ns = net.ns(host)
        self.dir = root / host
        self.env = {
            **os.environ,
            "COUNTER_APP_DATA_DIR": str(self.dir),
            "COUNTER_APP_MIRROR_DIR": str(root / f"{host}-mirror"),
            "COUNTER_APP_SECRETS": "file",
            "COUNTER_APP_ALLOW_HTTP": "1",  # the test network has no TLS to the province
            "PYTHONIOENCODING": "utf-8",
            "PYTHONPATH": str(REPO_ROOT),
        }
        self.serving: subprocess.Popen[bytes] | None = None

    def command(self, *args: str) -> list[str]:
        return ["ip", "netns", "exec", self.ns, sys.executable, "-m", "counter_app", *args]

    def start(self, *args: str, stdin: str = "") -> subprocess.Popen[str]:
        process = subprocess.Popen(
            self.command(*args),
            cwd=REPO_ROOT,
            env=self.env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        assert process.stdin is not None
        process.stdin.write(stdin)
        process.stdin.close()
        process.stdin = None  # written: communicate() only reads
        return process

    def run(self, *args: str, stdin: str = "") -> dict[str, Any]:
        return finish(self.start(*args, stdin=stdin), args)

    def act(self, *args: str) -> dict[str, Any]:
        return self.run(*args, *OFFICER, stdin=PASSWORD + "\n")

    def serve(self) -> None:
        log = (self.dir.parent / f"{self.host}-serve.log").open("wb")
        self.serving = subprocess.Popen(
            self.command("lan-serve", "--port", str(LAN_PORT)),
            cwd=REPO_ROOT,
            env=self.env,
            stdout=log,
            stderr=log,
        )

    def stop(self) -> None:
        if self.serving is not None and self.serving.poll() is None:
            self.serving.terminate()
            try:
                self.serving.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.serving.kill()

    def dossier_status(self, code: str) -> str | None:
        """The dossier's status in the counter's own file (read-only, no process started)."""
        return _read(self.dir / "counter.db", "SELECT status FROM dossiers WHERE code = ?", code)

    def peers(self) -> list[str]:
        rows = sqlite3.connect(f"file:{self.dir / 'counter.db'}?mode=ro", uri=True)
        try:
            return [r[0] for r in rows.execute("SELECT address FROM lan_peers ORDER BY address")]
        finally:
            rows.close()


def _read(path: Path, sql: str, *args: str) -> str | None:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        projection.attach(conn, path, read_only=True)  # the dossier rows (m0038)
        row = conn.execute(sql, args).fetchone()
    finally:
        conn.close()
    return None if row is None else str(row[0])


def finish(process: subprocess.Popen[str], args: tuple[str, ...]) -> dict[str, Any]:
    out, err = process.communicate(timeout=90)
    assert process.returncode == 0, (args, out, err)
    return json.loads(out)  # type: ignore[no-any-return]


def run_all(counters: list[Counter], *args: str) -> list[dict[str, Any]]:
    """The same command at several counters at once (each in its namespace)."""
    started = [c.start(*args) for c in counters]
    return [finish(p, args) for p in started]


@pytest.fixture
def net() -> Iterator[Net]:
    problem = _can_make_namespaces()
    if problem:
        pytest.fail(problem, pytrace=False)
    made = Net(str(os.getpid() % 100000))
    made.remove()  # a run killed before its teardown
    try:
        made.create()
    except subprocess.CalledProcessError as error:
        made.remove()
        pytest.fail(f"cannot make network namespaces: {error.stderr!r}", pytrace=False)
    yield made
    made.remove()


@pytest.fixture
def database() -> Iterator[ThrowawayDatabase]:
    db = ThrowawayDatabase()
    db.create()
    yield db
    db.drop()


def _socket_url(db: ThrowawayDatabase) -> str:
    """The same database through PostgreSQL's Unix socket (reachable from any namespace)."""
    return f"postgresql:///{db.name}?host=/var/run/postgresql&user=postgres"


def _province(net: Net, db: ThrowawayDatabase, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PROVINCE_DATABASE_URL": _socket_url(db),
        "PYTHONPATH": str(REPO_ROOT),
    }
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                "ip",
                "netns",
                "exec",
                net.ns("srv"),
                sys.executable,
                "-m",
                "province_server",
                "serve",
                "--host",
                f"{NET}.4",
                "--port",
                str(SERVER_PORT),
                "--log-level",
                "info",  # says "Uvicorn running" once it listens
            ],
            cwd=REPO_ROOT,
            env=env,
            stdout=out,
            stderr=out,
        )
    _wait_for(log, b"Uvicorn running", process)
    return process


def _wait_for(
    log: Path, text: bytes, process: subprocess.Popen[bytes], timeout: float = 30
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in log.read_bytes():
            return
        if process.poll() is not None:
            break
        time.sleep(0.1)
    raise AssertionError(f"{text!r} not in {log}:\n{log.read_text(errors='replace')}")


def _office(db: ThrowawayDatabase) -> list[str]:
    """The office at the province: its officer, and one enrolment code per counter."""
    from argon2 import PasswordHasher

    with psycopg.connect(db.url, autocommit=True) as conn:
        reference.set_office(conn, agency_id=AGENCY, unit_name="UBND xã Minh Hòa")
        reference.add_officer(
            conn,
            agency_id=AGENCY,
            username="lan.nt",
            full_name="Nguyễn Thị Lan",
            role="admin",
            password_hash=PasswordHasher().hash(PASSWORD),
        )
        return [
            stations.issue_code(conn, agency_id=AGENCY, station_number=610 + n, ttl_hours=1).code
            for n in range(3)
        ]


def _server_events(db: ThrowawayDatabase, dossier_uuid: str) -> list[str]:
    with psycopg.connect(db.url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT uuid::text FROM events WHERE dossier_uuid = %s", (dossier_uuid,)
        ).fetchall()
    return [r[0] for r in rows]


def _server_state(db: ThrowawayDatabase, code: str) -> tuple[str, str]:
    with psycopg.connect(db.url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT dossier_uuid::text, status FROM dossier_states WHERE code = %s", (code,)
        ).fetchone()
    assert row is not None, code
    return row[0], row[1]


def test_three_counters_work_over_the_lan_while_the_uplink_is_cut(
    net: Net, database: ThrowawayDatabase, tmp_path: Path
) -> None:
    started = time.monotonic()
    steps: list[tuple[str, float]] = []

    def step(name: str) -> None:
        steps.append((name, round(time.monotonic() - started, 1)))

    server = _province(net, database, tmp_path / "province.log")
    counters = [Counter(net, h, tmp_path) for h in ("a", "b", "c")]
    a, b, c = counters
    try:
        codes = _office(database)
        url = f"http://{NET}.4:{SERVER_PORT}"
        enrols = [
            x.start("enrol", url, "--code-stdin", stdin=code + "\n")
            for x, code in zip(counters, codes, strict=True)
        ]
        for process in enrols:
            finish(process, ("enrol",))
        run_all(counters, "sync")  # the office's officer comes down from the province
        for x in counters:
            x.serve()
        applicant = tmp_path / "applicant.json"
        applicant.write_text(json.dumps(APPLICANT, ensure_ascii=False), encoding="utf-8")

        step("enrolled, synced, serving")
        net.link("srv", "down")  # the uplink is cut
        received = a.act(
            "receive",
            "--procedure",
            "1.001193",
            "--applicant-json",
            str(applicant),
            "--at",
            "2026-11-20T09:00",
        )
        code = str(received["code"])
        for x in counters:
            _wait_for(x.dir.parent / f"{x.host}-serve.log", "Đang phục vụ".encode(), x.serving)  # type: ignore[arg-type]
        at_b = b.run("lan-sync", "--discover", "1.5")
        by_address = {p["address"]: p for p in at_b["peers"]}
        assert by_address[f"{NET}.1:{LAN_PORT}"]["pulled"] == 1, at_b  # found by mDNS
        assert by_address[f"{NET}.1:{LAN_PORT}"]["source"] == "mdns"
        assert b.dossier_status(code) == "received"
        b.act("event", code, "handover", "--at", "2026-11-20T10:00", "--json", '{"to": "Tư pháp"}')
        at_c = c.run("lan-sync", "--discover", "1.5")
        assert at_c["pulled"] == 2 and at_c["relays_waiting"] == 2, at_c
        c.act("event", code, "result", "--at", "2026-11-23T09:00")
        c.act(
            "event",
            code,
            "return",
            "--at",
            "2026-11-24T09:00",
            "--json",
            '{"receiver_name": "Nguyễn Văn Đức"}',
        )

        step("worked over the LAN")
        net.link("srv", "up")  # the uplink is back: C first, it relays A's and B's events
        first = c.run("sync")
        assert first["pushed"] == 4 and first["rejected"] == 0, first
        later = run_all([a, b], "sync")
        assert [r["pushed"] for r in later] == [0, 0]
        # A's own event, B's own and its relay of A's: the server's answer settles them
        assert [r["duplicates"] for r in later] == [1, 2]
        run_all(counters, "sync")  # every counter pulls what the others pushed
        dossier_uuid, status = _server_state(database, code)
        held = _server_events(database, dossier_uuid)
        assert len(held) == len(set(held)) == 4  # received, handover, result, return: once
        assert status == "returned"
        assert [x.dossier_status(code) for x in counters] == [status] * 3
        lan = f"{NET}.{{}}:{LAN_PORT}"
        assert b.peers() == [lan.format(1), lan.format(3)]  # B met A and C, C met A and B
        assert c.peers() == [lan.format(1), lan.format(2)]

        step("synced with the province")
        net.block_multicast()  # a network that blocks multicast
        a_id = _read(
            b.dir / "counter.db",
            "SELECT station_id FROM lan_peers WHERE address = ?",
            lan.format(1),
        )
        assert a_id is not None
        # B forgets A (and its pin), so only the fixed list can find it again
        b.act("lan-peers", "--forget", a_id, "--add", f"{NET}.1:{LAN_PORT}")
        second = a.act(
            "receive",
            "--procedure",
            "1.001193",
            "--applicant-json",
            str(applicant),
            "--at",
            "2026-11-25T09:00",
        )
        fixed = b.run("lan-sync", "--discover", "1")
        assert fixed["discovered"] == 0, fixed
        by_address = {p["address"]: p for p in fixed["peers"]}
        assert by_address[f"{NET}.1:{LAN_PORT}"]["source"] == "fixed"
        assert by_address[f"{NET}.1:{LAN_PORT}"]["pulled"] == 1
        assert b.dossier_status(str(second["code"])) == "received"
        step("fixed peer list")

        # x: a device on the LAN without the office secret, then a counter of another office
        # (the demo office, its own secret): neither gets anything from A
        x = Counter(net, "x", tmp_path)
        raw = subprocess.run(
            ["ip", "netns", "exec", x.ns, sys.executable, "-c", _STRANGER, f"{NET}.1:{LAN_PORT}"],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        assert json.loads(raw.stdout) == {"hello": ["nonce"], "pull": 401, "forged": 401}
        x.run("lan-pair", "--show", "--officer", "quantri", "--password-stdin", stdin="demo1234\n")
        foreign = x.run("lan-sync", "--discover", "0", "--peer", f"{NET}.1:{LAN_PORT}")
        assert [p["error"] for p in foreign["peers"]] == ["lan_peer_refused"], foreign
        assert foreign["pulled"] == 0 and x.dossier_status(code) is None
        step("strangers")
    finally:
        print(steps)
        for x in counters:
            x.stop()
        server.terminate()
        server.wait(timeout=10)
