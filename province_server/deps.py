"""Request dependencies: the connection pool and the authenticated station."""

from __future__ import annotations

from typing import Annotated

import psycopg
from fastapi import Depends, Request
from psycopg_pool import ConnectionPool

from province_server.errors import ApiError
from province_server.stations.service import Station, authenticate
from sync_protocol import ErrorCodes


def get_pool(request: Request) -> ConnectionPool[psycopg.Connection]:
    pool: ConnectionPool[psycopg.Connection] = request.app.state.pool
    return pool


PoolDep = Annotated[ConnectionPool[psycopg.Connection], Depends(get_pool)]


def get_station(request: Request, pool: PoolDep) -> Station:
    """The station whose bearer token the request carries; 401 when missing/unknown/revoked."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, ErrorCodes.UNAUTHORIZED, "a station token is required")
    with pool.connection() as conn:
        station = authenticate(conn, token.strip())
    if station is None:
        raise ApiError(401, ErrorCodes.UNAUTHORIZED, "unknown or revoked station token")
    return station


StationDep = Annotated[Station, Depends(get_station)]
