"""Issue 12, the scenario as officers live it, through the real command line, the real
province server (uvicorn on loopback) and PostgreSQL.

Two counters of one office, offline from each other (nothing syncs between their actions):
B records the citizen's withdrawal, then A records the result and its return. After both
synced twice, both counters and the citizen lookup page show the same status, both counters
and the dashboard list the conflict (both actions, who, where); a leader settles it at B by
voiding the withdrawal, and once both synced again the dossier is returned everywhere and
the conflict is gone everywhere.
"""

from __future__ import annotations

import io
import json
import re
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from counter_app.cli.main import main as counter_main
from counter_app.printing.qr import lookup_url
from province_server.cli import main as province_main
from province_server.testing import ServerProcess
from tests.server.conftest import ADMIN_TOKEN, new_agency, new_station_number

pytestmark = pytest.mark.server

APPLICANT = {
    "name": "Nguyễn Văn Đức",
    "id_number": "001090123456",
    "birth_date": "1990-01-01",
    "sex": "Nam",
    "address": "Thôn Đông, xã Minh Hòa",
}
PASSWORD = "mat-khau-quay-mot-cua"
OFFICER = ("--officer", "lan.nt", "--password-stdin")
LEADER = ("--officer", "duc.tv", "--password-stdin")


class Desk:
    """Runs both command lines in this process, standard input and output captured."""

    def __init__(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        self.tmp_path = tmp_path
        self.monkeypatch = monkeypatch
        self.capsys = capsys

    def _stdin(self, text: str) -> None:
        self.monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode())))

    def province(self, *args: str, stdin: str = "") -> Any:
        self._stdin(stdin)
        code = province_main(list(args))
        out = self.capsys.readouterr()
        assert code == 0, out.err
        return json.loads(out.out)

    def counter(self, station: str, *args: str, stdin: str = "", text: bool = False) -> Any:
        """``counter-app --data-dir <station> ...``; JSON (or ``text``) of its output."""
        self._stdin(stdin)
        self.monkeypatch.setenv("COUNTER_APP_MIRROR_DIR", str(self.tmp_path / f"mirror-{station}"))
        code = counter_main(["--data-dir", str(self.tmp_path / station), *args])
        out = self.capsys.readouterr()
        assert code == 0, out.err
        return out.out if text else json.loads(out.out)

    def sync(self, *stations: str) -> None:
        for station in stations:
            synced = self.counter(station, "sync")
            assert synced["rejected"] == 0 and synced["waiting"] == 0, synced

    def status(self, station: str, code: str) -> str:
        [found] = self.counter(station, "search", code)
        return str(found["status"])

    def conflicts(self, station: str) -> list[dict[str, Any]]:
        return self.counter(station, "conflicts", "--json")  # type: ignore[no-any-return]


def _essence(listed: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """What both stations must agree on (the time each found it and what it knows of the
    other station's prefix are its own)."""
    return sorted(
        (d["code"], d["status"], e["uuid"], e["kind"], e["officer"], e["at"], e["station_id"],
         e["reason"], (e["clashed_with"] or {}).get("uuid"))
        for d in listed
        for e in d["events"]
    )  # fmt: skip


def _dashboard_conflicts(server: ServerProcess, agency: str) -> str:
    """The office row's last cell: its open conflicts."""
    page = httpx.get(f"{server.url}/dashboard", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
    assert page.status_code == 200
    offices = page.text.split("<h2>Hồ sơ theo đơn vị tiếp nhận</h2>", 1)[1].split("<h2>")[0]
    [row] = [r for r in re.findall(r"<tr>.*?</tr>", offices, re.S) if f">{agency}<" in r]
    return re.findall(r"<td[^>]*>(.*?)</td>", row)[-1]


def _lookup(server: ServerProcess, code: str, key: str) -> str:
    page = httpx.get(lookup_url(base=f"{server.url}/tra-cuu", code=code, key=key))
    assert page.status_code == 200
    found = re.search(r'<span class="status">(.*?)</span>', page.text)
    assert found is not None, page.text
    return found[1]


def test_two_offline_counters_converge_list_the_conflict_and_settle_it_everywhere(
    tmp_path: Path,
    server: ServerProcess,
    province_db: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("PROVINCE_DATABASE_URL", province_db)
    desk = Desk(tmp_path, monkeypatch, capsys)
    agency = new_agency()
    for station in ("a", "b"):
        issued = desk.province(
            "issue-code", "--agency", agency, "--station", str(new_station_number()),
            "--unit-name", "UBND xã Minh Hòa",
        )  # fmt: skip
        desk.counter(station, "enrol", server.url, str(issued["code"]))
    desk.province("set-office", "--agency", agency)
    for username, name, role in (
        ("lan.nt", "Nguyễn Thị Lan", "officer"),
        ("duc.tv", "Trần Văn Đức", "leader"),
    ):
        desk.province(
            "add-officer", "--agency", agency, "--username", username, "--full-name", name,
            "--role", role, "--password-stdin", stdin=PASSWORD + "\n",
        )  # fmt: skip
    desk.sync("a", "b")  # the office's officers reach both counters
    applicant = tmp_path / "applicant.json"
    applicant.write_text(json.dumps(APPLICANT, ensure_ascii=False), encoding="utf-8")
    received = desk.counter(
        "a", "receive", "--procedure", "1.001193", "--applicant-json", str(applicant),
        *OFFICER, stdin=PASSWORD + "\n",
    )  # fmt: skip
    code, key = str(received["code"]), str(received["lookup_key"])
    desk.sync("a", "b")  # B holds the dossier too

    # Offline from each other: B first, then A; no sync in between.
    withdraw = ("event", code, "withdraw", "--json", '{"reason": "Công dân xin rút hồ sơ"}')
    desk.counter("b", *withdraw, *OFFICER, stdin=PASSWORD + "\n")
    desk.counter("a", "event", code, "result", "--json", "{}", *OFFICER, stdin=PASSWORD + "\n")
    returned = ("event", code, "return", "--json", '{"receiver_name": "Nguyễn Văn Đức"}')
    desk.counter("a", *returned, *OFFICER, stdin=PASSWORD + "\n")
    assert (desk.status("a", code), desk.status("b", code)) == ("returned", "withdrawn")

    for _ in range(2):
        desk.sync("a", "b")
    assert desk.status("a", code) == desk.status("b", code) == "withdrawn"  # one truth
    assert _lookup(server, code, key) == "Công dân yêu cầu rút hồ sơ"  # national status 7
    listed = {station: desk.conflicts(station) for station in ("a", "b")}
    assert _essence(listed["a"]) == _essence(listed["b"])  # the same conflicts at both
    [dossier] = listed["a"]
    assert dossier["code"] == code and dossier["status"] == "withdrawn"
    kinds = {e["kind"]: e for e in dossier["events"]}
    assert set(kinds) == {"result_received", "returned"}
    withdrawal = kinds["result_received"]["clashed_with"]
    assert withdrawal["kind"] == "withdrawn" and withdrawal["officer_name"] == "Nguyễn Thị Lan"
    assert kinds["returned"]["clashed_with"]["uuid"] == withdrawal["uuid"]
    assert kinds["returned"]["station_id"] != withdrawal["station_id"]  # two counters
    text = desk.counter("b", "conflicts", text=True)
    assert "rút hồ sơ — Nguyễn Thị Lan, quầy này" in text  # B tells its own action
    assert "trả kết quả — Nguyễn Thị Lan, quầy " in text and withdrawal["uuid"] in text
    assert _dashboard_conflicts(server, agency) == "2"

    settled = desk.counter(
        "b", "conflicts", "settle", code, "--void", withdrawal["uuid"],
        "--note", "Công dân đổi ý, không rút; ghi nhầm", *LEADER, stdin=PASSWORD + "\n",
    )  # fmt: skip
    assert settled["status"] == "returned" and settled["open_conflicts"] == 0
    for _ in range(2):
        desk.sync("b", "a")
    assert desk.status("a", code) == desk.status("b", code) == "returned"
    assert desk.conflicts("a") == desk.conflicts("b") == []
    assert _lookup(server, code, key) == "Đã trả kết quả"
    assert _dashboard_conflicts(server, agency) == "0"
