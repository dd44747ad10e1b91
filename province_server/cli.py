"""``province-server``: migrate, serve, issue-code, revoke (administrator commands, English)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from province_server.config import Settings
from province_server.db import connect
from province_server.errors import AdminError
from province_server.stations import service

ALEMBIC_INI = Path(__file__).resolve().parent / "alembic.ini"


def migrate(settings: Settings) -> None:
    """Bring the database schema to the newest Alembic revision (idempotent)."""
    from alembic import command
    from alembic.config import Config

    config = Config(str(ALEMBIC_INI))
    config.attributes["database_url"] = settings.database_url
    command.upgrade(config, "head")


def _serve(settings: Settings, args: argparse.Namespace) -> None:
    import uvicorn

    from province_server.main import create_app

    uvicorn.run(
        create_app(settings),
        host=args.host,
        port=args.port,
        log_level=args.log_level,
        access_log=args.access_log,
    )


def _issue_code(settings: Settings, args: argparse.Namespace) -> dict[str, str]:
    with connect(settings) as conn:
        issued = service.issue_code(
            conn,
            agency_id=args.agency,
            station_number=args.station,
            ttl_hours=settings.code_ttl_hours,
            parent_body=args.parent_body,
            unit_name=args.unit_name,
            place_name=args.place_name,
        )
    return {
        "code": issued.code,
        "station_id": issued.station_id,
        "station_prefix": issued.station_prefix,
        "expires_at": issued.expires_at.isoformat(),
    }


def _revoke(settings: Settings, args: argparse.Namespace) -> dict[str, object]:
    with connect(settings) as conn:
        if not service.revoke(conn, args.station_id):
            raise AdminError(f"no station with id {args.station_id}")
    return {"revoked": args.station_id}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="province-server",
        description="Province server of Quầy Một Cửa (database: $PROVINCE_DATABASE_URL).",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="apply the Alembic migrations (upgrade head)")
    serve = sub.add_parser("serve", help="run the HTTP API with uvicorn")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--log-level", default="warning")
    serve.add_argument("--access-log", action="store_true")
    issue = sub.add_parser("issue-code", help="print a one-time enrolment code for a station")
    issue.add_argument("--agency", required=True, help="agency identifier, e.g. 000.00.19.H56")
    issue.add_argument("--station", required=True, type=int, help="station number 1..99")
    issue.add_argument("--parent-body", default="", help="parent body printed on slips")
    issue.add_argument("--unit-name", default="", help="unit name printed on slips")
    issue.add_argument("--place-name", default="", help="place name printed on slips")
    revoke = sub.add_parser("revoke", help="refuse a station's token from now on")
    revoke.add_argument("--station-id", required=True)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = Settings.from_env()
    try:
        if args.command == "migrate":
            migrate(settings)
            return 0
        if args.command == "serve":
            _serve(settings, args)
            return 0
        result = (
            _issue_code(settings, args) if args.command == "issue-code" else _revoke(settings, args)
        )
    except AdminError as error:
        sys.stderr.write(f"error: {error}\n")
        return 2
    sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
    return 0
