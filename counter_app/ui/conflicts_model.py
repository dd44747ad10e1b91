"""The table of open conflicts: one row per action set aside, with the one it clashed with."""

from __future__ import annotations

from typing import Any

from counter_app.services.conflicts import ConflictAction, OpenConflict
from counter_app.texts import conflicts as c
from counter_app.ui.models.columns import Column, ColumnTableModel


def station_text(action: ConflictAction) -> str:
    return c.station_label(
        action.station_prefix, own=action.own_station, station_id=action.station_id
    )


def action_text(action: ConflictAction | None) -> str:
    """What, who, which station, when (a dash when the event clashed with nothing)."""
    if action is None:
        return c.NO_CLASH
    return c.action_line(
        c.kind_label(action.kind), action.officer_name, station_text(action), action.at
    )


def action_short(action: ConflictAction | None) -> str:
    if action is None:
        return c.NO_CLASH
    return c.action_short(c.kind_label(action.kind), action.officer_name)


def action_card(action: ConflictAction | None) -> str:
    if action is None:
        return c.NO_CLASH
    return c.action_card(
        c.kind_label(action.kind), action.officer_name, station_text(action), action.at
    )


COLUMNS: tuple[Column[OpenConflict], ...] = (
    Column("code", c.COL_CODE, lambda r: r.code or ""),
    Column("applicant", c.COL_APPLICANT, lambda r: r.applicant_name),
    Column("status", c.COL_STATUS, lambda r: c.status_label(r.status)),
    Column("set_aside", c.COL_SET_ASIDE, lambda r: action_short(r.action), lambda r: r.action.at),
    Column("clashed", c.COL_CLASHED, lambda r: action_short(r.clashed)),
    Column("found", c.COL_FOUND, lambda r: c.when(r.detected_at), lambda r: r.detected_at),
)


class ConflictTableModel(ColumnTableModel[OpenConflict]):
    columns: tuple[Column[Any], ...] = COLUMNS
