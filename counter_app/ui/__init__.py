"""The Qt window of the counter. The only package that imports Qt (style.md §1)."""
