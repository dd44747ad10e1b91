"""The first-start wizard (see ``services.setup`` for when it is shown)."""

from counter_app.ui.wizard.setup_wizard import SetupWizard

__all__ = ["SetupWizard"]
