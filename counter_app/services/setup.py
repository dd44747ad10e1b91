"""First start: seed a demo office, its officers and the shipped catalogue (once)."""

from __future__ import annotations

from dataclasses import asdict

from counter_app import texts
from counter_app.domain.changes import Changes
from counter_app.domain.models import Office, Officer, Role
from counter_app.reference.catalogue import load_catalogue
from counter_app.services.officers import hash_password
from counter_app.services.station import StationContext, new_uuid

DEMO_AGENCY_ID = "000.00.19.H56"
DEMO_PASSWORD = "demo1234"
DEFAULT_STATION_PREFIX = "00"


def demo_office() -> Office:
    return Office(
        agency_id=DEMO_AGENCY_ID,
        parent_body=texts.DEMO_PARENT_BODY,
        unit_name=texts.DEMO_UNIT_NAME,
        place_name=texts.DEMO_PLACE_NAME,
        station_prefix=DEFAULT_STATION_PREFIX,
        station_id=new_uuid(),
        lookup_url="https://dichvucong.example.gov.vn/tra-cuu",
        is_demo=True,
    )


def ensure_seeded(ctx: StationContext) -> Changes:
    """Seed what a fresh data folder needs; does nothing on later starts.

    Guarantees: one transaction; the demo office (marked DEMO), three demo officers (officer,
    leader, admin; password ``demo1234``) and the whole catalogue, or nothing.
    """
    store = ctx.store
    if store.config.get("office") is not None:
        return Changes()
    procedures = load_catalogue()
    now = ctx.clock.now()
    hashed = hash_password(DEMO_PASSWORD)
    with store.db.atomic():
        store.config.set("office", asdict(demo_office()))
        store.config.set("cli_officer", texts.DEMO_OFFICERS[0][0])
        store.config.set("supplement_mode", "restart")
        store.reference.replace_procedures(procedures)
        for username, full_name, role in texts.DEMO_OFFICERS:
            store.officers.add(Officer(username, full_name, Role(role)), hashed, at=now)
        store.audit.record(
            at=now,
            officer="system",
            action="seeded",
            dossier_uuid=None,
            detail={"procedures": len(procedures)},
        )
    return Changes(reference=True, officers=True, config=True)
