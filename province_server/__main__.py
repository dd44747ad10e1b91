"""``python -m province_server`` runs the ``province-server`` command."""

from province_server.cli import main

raise SystemExit(main())
