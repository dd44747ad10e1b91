"""A contract fake of the national portal's gateway (shared/reference/national-portal.md):
a small FastAPI app served by a real uvicorn on loopback, in a thread of the test.

It accepts only the documented shapes: the auth body, every integration call's
``session``/``madonvi``/``service``, the dossier and progress objects' fields as strings,
dates ``yyyyMMddHHmmss`` (or "" where optional), flags ``"True"``/``"False"``, status codes in
the national set 1..10. A call it refuses is answered ``error_code "02"`` and counted in
``violations``. Faults, drawn from a seeded generator per integration call:

- ``expire``: the session is dropped, answered ``error_code "-1"`` (nothing processed);
- ``error``: answered ``error_code "99"`` (nothing processed);
- ``timeout``: processed, then the answer waits ``sleep_s`` (past the client's timeout);
- ``lost``: processed, then HTTP 502 (the client cannot know it was processed).

What it holds: one record per MaHoSo (a create of a held dossier is a violation
``created_twice``), the steps of each in arrival order; a step equal to one already held
(same MaHoSo, ThoiDiemXuLy, TrangThai, NoiDungXuLy) is the same step delivered again and is
counted in ``redelivered``, not held twice (assumption: the portal is idempotent by content
for progress; see notes/NATIONAL.md).
"""

from __future__ import annotations

import asyncio
import random
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from province_server.testing import free_port

DATE = re.compile(r"^\d{14}$")
CODES = {str(n) for n in range(1, 11)}
DOSSIER_REQUIRED = ("MaHoSo", "MaTTHC", "NgayTiepNhan", "TrangThaiHoSo", "HinhThuc", "DonViXuLy")
DOSSIER_DATES = ("NgayTiepNhan", "NgayHenTra", "NgayTra", "NgayKetThucXuLy")
DOSSIER_STRINGS = [
    "MaHoSo",
    "MaTTHC",
    "TenTTHC",
    "MaLinhVuc",
    "TenLinhVuc",
    "ChuHoSo",
    "LoaiDoiTuong",
    "MaDoiTuong",
    "ThongTinKhac",
    "Email",
    "Fax",
    "SoDienThoai",
    "TrichYeuHoSo",
    "NgayTiepNhan",
    "NgayHenTra",
    "TrangThaiHoSo",
    "NgayTra",
    "ThongTinTra",
    "HinhThuc",
    "NgayKetThucXuLy",
    "DonViXuLy",
    "GhiChu",
]
DOSSIER_LISTS = (
    "TaiLieuNop",
    "DanhSachLePhi",
    "DanhSachTepDinhKemKhac",
    "DanhSachHoSoBoSung",
    "DanhSachGiayToKetQua",
)
PROGRESS_STRINGS = [
    "MaHoSo",
    "NguoiXuLy",
    "ChucDanh",
    "ThoiDiemXuLy",
    "PhongBanXuLy",
    "NoiDungXuLy",
    "TrangThai",
    "NgayBatDau",
    "NgayKetThucTheoQuyDinh",
]


@dataclass
class Faults:
    expire: float = 0.0
    error: float = 0.0
    timeout: float = 0.0
    lost: float = 0.0
    sleep_s: float = 0.6
    seed: int = 14


@dataclass
class FakeState:
    username: str = "lgsp"
    password: str = "mat-khau-thu"
    sessions: set[str] = field(default_factory=set)
    dossiers: dict[str, dict[str, Any]] = field(default_factory=dict)
    steps: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    procedures: dict[str, str] = field(default_factory=dict)  # MaTTHC -> TENTTHC
    unknown_procedures: set[str] = field(default_factory=set)  # refused, error_code "03"
    violations: list[str] = field(default_factory=list)
    calls: dict[str, int] = field(default_factory=dict)
    faults_done: dict[str, int] = field(default_factory=dict)
    logins: int = 0
    created_twice: int = 0
    redelivered: int = 0
    faults: Faults = field(default_factory=Faults)
    lock: threading.Lock = field(default_factory=threading.Lock)
    rng: random.Random = field(default_factory=lambda: random.Random(14))

    def total_calls(self) -> int:
        return sum(self.calls.values())


def _check_dossier(obj: Any) -> str | None:
    if not isinstance(obj, dict):
        return "dossier not an object"
    for name in DOSSIER_STRINGS:
        if name in obj and not isinstance(obj[name], str):
            return f"{name} not a string"
    for name in DOSSIER_REQUIRED:
        if not obj.get(name):
            return f"{name} missing"
    for name in DOSSIER_DATES:
        value = obj.get(name, "")
        if value and not DATE.match(value):
            return f"{name} not yyyyMMddHHmmss"
    if obj["TrangThaiHoSo"] not in CODES or obj["HinhThuc"] not in ("0", "1"):
        return "TrangThaiHoSo or HinhThuc outside the national codes"
    for name in DOSSIER_LISTS:
        if not isinstance(obj.get(name, []), list):
            return f"{name} not a list"
    return None


def _check_progress(obj: Any) -> str | None:
    if not isinstance(obj, dict):
        return "progress not an object"
    for name in PROGRESS_STRINGS:
        if not isinstance(obj.get(name, ""), str):
            return f"{name} not a string"
    for name in ("MaHoSo", "ThoiDiemXuLy", "TrangThai"):
        if not obj.get(name):
            return f"{name} missing"
    for name in ("ThoiDiemXuLy", "NgayBatDau", "NgayKetThucTheoQuyDinh"):
        if obj.get(name) and not DATE.match(obj[name]):
            return f"{name} not yyyyMMddHHmmss"
    return None if obj["TrangThai"] in CODES else "TrangThai outside the national codes"


def _step_key(obj: dict[str, Any]) -> tuple[str, ...]:
    return (obj["MaHoSo"], obj["ThoiDiemXuLy"], obj["TrangThai"], obj.get("NoiDungXuLy", ""))


def make_app(state: FakeState) -> FastAPI:
    app = FastAPI()

    def refuse(why: str) -> JSONResponse:
        state.violations.append(why)
        return JSONResponse({"error_code": "02", "message": why})

    @app.post("/auth")
    async def auth(request: Request) -> JSONResponse:
        body = await request.json()
        if body != {"username": state.username, "password": state.password}:
            return JSONResponse({"error_code": 1, "message": "sai tài khoản"})
        session = secrets.token_hex(8)
        with state.lock:
            state.sessions.add(session)
            state.logins += 1
        return JSONResponse({"session": session, "error_code": 0})

    def process(body: dict[str, Any]) -> dict[str, Any] | JSONResponse:
        service = body.get("service")
        if service == "TraCuuHoSo":
            code = body.get("mahoso")
            if not isinstance(code, str) or not code:
                return refuse("TraCuuHoSo without mahoso")
            held = state.dossiers.get(code)
            return {"error_code": "00", "result": [held] if held else []}
        if service == "LayThuTuc":
            code = body.get("maTTHC")
            if not isinstance(code, str):
                return refuse("LayThuTuc without maTTHC")
            if code in state.unknown_procedures:
                return {"error_code": "00", "result": []}
            name = state.procedures.get(code, f"Thủ tục {code}")
            return {"error_code": "00", "result": [{"TENTTHC": name, "LINHVUCTHUCHIEN": []}]}
        if service == "DongBoHoSoMC":
            flag, data = body.get("isUpdating"), body.get("data")
            if flag not in ("True", "False") or not isinstance(data, list) or not data:
                return refuse("DongBoHoSoMC: isUpdating or data")
            for obj in data:
                if (why := _check_dossier(obj)) is not None:
                    return refuse(f"DongBoHoSoMC: {why}")
            for obj in data:
                if obj["MaTTHC"] in state.unknown_procedures:
                    return {"error_code": "03", "message": f"MaTTHC {obj['MaTTHC']} không tồn tại"}
            for obj in data:
                code = obj["MaHoSo"]
                if flag == "False" and code in state.dossiers:
                    state.created_twice += 1
                    return refuse(f"DongBoHoSoMC: {code} created twice")
                if flag == "True" and code not in state.dossiers:
                    return refuse(f"DongBoHoSoMC: update of unknown {code}")
                state.dossiers[code] = obj
            return {"error_code": "00", "message": "ok"}
        if service == "CapNhatTienDoHoSoMC":
            data = body.get("data")
            if not isinstance(data, list) or not data:
                return refuse("CapNhatTienDoHoSoMC: data")
            for obj in data:
                if (why := _check_progress(obj)) is not None:
                    return refuse(f"CapNhatTienDoHoSoMC: {why}")
                if obj["MaHoSo"] not in state.dossiers:
                    return refuse("CapNhatTienDoHoSoMC: unknown dossier")
            for obj in data:
                held = state.steps.setdefault(obj["MaHoSo"], [])
                if any(_step_key(s) == _step_key(obj) for s in held):
                    state.redelivered += 1
                else:
                    held.append(obj)
            return {"error_code": "00", "message": "ok"}
        return refuse(f"unknown service {service!r}")

    @app.post("/integration")
    async def integration(request: Request) -> Any:
        body = await request.json()
        if not isinstance(body, dict) or not all(
            isinstance(body.get(k), str) and body.get(k) for k in ("session", "madonvi", "service")
        ):
            return refuse("envelope: session, madonvi, service")
        with state.lock:
            state.calls[body["service"]] = state.calls.get(body["service"], 0) + 1
            if body["session"] not in state.sessions:
                return JSONResponse({"error_code": "-1", "message": "Session expired"})
            f = state.faults
            draw = state.rng.random()
            fault = ""
            for name, rate in (("expire", f.expire), ("error", f.error)):
                if draw < rate:
                    fault = name
                    break
                draw -= rate
            if fault == "expire":
                state.sessions.clear()
            if fault:
                state.faults_done[fault] = state.faults_done.get(fault, 0) + 1
                return JSONResponse(
                    {"error_code": "-1" if fault == "expire" else "99", "message": fault}
                )
            answer = process(body)
            after = state.rng.random()
            late = after < f.timeout
            lost = not late and after < f.timeout + f.lost
            if late or lost:
                kind = "timeout" if late else "lost"
                state.faults_done[kind] = state.faults_done.get(kind, 0) + 1
        if late:
            await asyncio.sleep(f.sleep_s)
        if lost:
            return JSONResponse({"message": "bad gateway"}, status_code=502)
        return answer

    return app


class FakeGateway:
    """The fake on ``127.0.0.1:<port>`` in a background thread (``start``/``stop``)."""

    def __init__(self, state: FakeState | None = None) -> None:
        self.state = state or FakeState()
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            make_app(self.state),
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self) -> None:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started and time.monotonic() < deadline:
            time.sleep(0.02)
        assert self.server.started, "the fake gateway did not start"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)

    def env_login(self) -> dict[str, str]:
        return {"username": self.state.username, "password": self.state.password}

    def env(self) -> dict[str, str]:
        return {
            "PROVINCE_NATIONAL_URL": self.url,
            "PROVINCE_NATIONAL_USERNAME": self.state.username,
            "PROVINCE_NATIONAL_PASSWORD": self.state.password,
        }
