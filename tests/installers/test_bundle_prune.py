"""What the Linux bundle leaves to the system: the drop list and what only it needed."""

from __future__ import annotations

from installers.bundle_prune import prune_binaries

NEEDED = {
    "_sane.so": ["libsane.so.1"],
    "libsane.so.1": ["libxml2.so.2", "libusb-1.0.so.0"],
    "libxml2.so.2": ["libicuuc.so.72", "libz.so.1"],
    "libicuuc.so.72": [],
    "libusb-1.0.so.0": [],
    "libz.so.1": [],
    "PySide6/plugins/libqgtk3.so": ["libgtk-3.so.0", "libz.so.1"],
    "PySide6/plugins/libqxcb.so": ["libxcb.so.1", "libz.so.1"],  # keeps libz
    "libxcb.so.1": [],
    "libgtk-3.so.0": [],
    "liborphan.so.1": [],  # nothing needs it and nobody knows why it is there: kept
    "libpython3.11.so.1.0": [],
}


def entries(*names: str) -> list[tuple[str, str, str]]:
    return [(name, name, "BINARY") for name in names]


def test_drops_sane_and_gtk_theme_with_what_only_they_needed() -> None:
    all_entries = entries(*NEEDED)
    kept, removed = prune_binaries(all_entries, needed=lambda src: NEEDED[src])
    assert sorted(removed) == sorted(
        [
            "libsane.so.1",
            "libxml2.so.2",
            "libicuuc.so.72",
            "libusb-1.0.so.0",
            "PySide6/plugins/libqgtk3.so",
            "libgtk-3.so.0",
        ]
    )
    assert [e[0] for e in kept] == [
        "_sane.so",  # imports the system's libsane at run time
        "libz.so.1",
        "PySide6/plugins/libqxcb.so",
        "libxcb.so.1",
        "liborphan.so.1",
        "libpython3.11.so.1.0",
    ]


def test_keeps_everything_when_nothing_is_dropped() -> None:
    all_entries = entries(*NEEDED)
    kept, removed = prune_binaries(all_entries, drop=frozenset(), needed=lambda src: NEEDED[src])
    assert removed == [] and kept == all_entries
