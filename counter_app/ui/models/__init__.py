"""Part of the counter window (see counter_app.ui)."""
