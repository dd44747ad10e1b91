"""Child process of the crash test: receives dossiers in a loop, printing each code once its
transaction has committed (what an officer would have seen printed)."""

from __future__ import annotations

import sys
from pathlib import Path

from counter_app.app import open_station
from counter_app.services.intake import ReceptionRequest, receive_dossier
from tests.conftest import make_applicant


def main() -> None:
    ctx = open_station(Path(sys.argv[1]))
    request = ReceptionRequest(procedure_code="1.000894", applicant=make_applicant())
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    while True:
        dossier, _ = receive_dossier(ctx, request, officer="canbo")
        sys.stdout.write(f"{dossier.code}\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
