"""Sync with the province server (DESIGN §7): engine, transport protocol, HTTP client.

No Qt here; the window runs :func:`counter_app.sync.engine.run_sync` in a background worker.
"""
