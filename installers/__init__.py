"""Build scripts of the installers (not part of the application)."""
