"""``python -m counter_app``: the same entry point as ``counter-app``."""

from counter_app.cli.main import main

raise SystemExit(main())
