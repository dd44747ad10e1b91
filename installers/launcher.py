"""Entry script of the bundled application: the same as the ``counter-app`` console script."""

from counter_app.cli.main import main

raise SystemExit(main())
