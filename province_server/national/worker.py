"""``province-server national-sync``: the connector's worker loop (beside ``serve``)."""

from __future__ import annotations

import json
import logging
import signal
import sys
import time
from dataclasses import asdict
from typing import Any

import psycopg

from province_server.national import mapping
from province_server.national.client import PortalClient, PortalError, UnreachableError
from province_server.national.config import NationalSettings
from province_server.national.service import Connector, pending

log = logging.getLogger(__name__)


def run(
    database_url: str,
    settings: NationalSettings,
    *,
    once: bool = False,
    backoff_base_s: float = 5.0,
) -> dict[str, Any]:
    """Rounds until stopped (SIGTERM/SIGINT end the loop after the current dossier's
    calls); ``once``: until nothing is due now (dossiers backing off are left, counted in
    ``pending``). A database error ends the process (run it under systemd, Restart=always).
    Totals of every round."""
    stop = {"now": False}

    def ask_stop(signum: int, frame: object) -> None:
        stop["now"] = True

    signal.signal(signal.SIGTERM, ask_stop)
    signal.signal(signal.SIGINT, ask_stop)
    totals: dict[str, Any] = {}
    client = PortalClient(settings)
    with psycopg.connect(database_url, autocommit=True) as conn:
        connector = Connector(conn, client, settings, backoff_base_s=backoff_base_s)
        while not stop["now"]:
            report = connector.round()
            for key, value in asdict(report).items():
                if isinstance(value, int):
                    totals[key] = totals.get(key, 0) + value
            if report.claimed or report.scanned:
                continue
            left = pending(conn)
            if once and left["due"] == 0:  # those backing off stay for the next run
                break
            time.sleep(settings.interval_s if not once else 0.05)
        totals["pending"] = pending(conn)
    totals["logins"] = client.logins
    client.close()
    return totals


def check_procedures(
    database_url: str, settings: NationalSettings, agency: str
) -> list[dict[str, str]]:
    """LayThuTuc for every local procedure code (catalogue and mapping table): the national
    name found, or the portal's refusal; recorded in ``national_procedure_map``."""
    client = PortalClient(settings)
    found = []
    with psycopg.connect(database_url, autocommit=True) as conn:
        maps = mapping.load(conn)
        for local in mapping.used_procedures(conn):
            national = maps.procedure(local)
            try:
                answer = client.call("LayThuTuc", settings.unit_code(agency), maTTHC=national)
                result = answer.get("result") or []
                name = str(result[0].get("TENTTHC", "")) if result else ""
                text = name or "not found"
            except (PortalError, UnreachableError) as error:
                text = f"error: {error}"
            mapping.record_check(conn, local, national, text)
            found.append({"local": local, "national": national, "answer": text})
    client.close()
    return found


def write(result: object) -> None:
    sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
