"""Texts of the dossiers in conflict (events a projection had to skip, issue 17)."""

CLI_CONFLICTS = (
    "liệt kê các hồ sơ có sự kiện xung đột (không áp dụng được, đã được để riêng) dưới dạng JSON"
)


def conflicts_line(dossiers: int) -> str:
    """The sync dialog's line (nothing to say: "")."""
    if not dossiers:
        return ""
    return (
        f"{dossiers} hồ sơ có sự kiện xung đột, được để riêng (xem bằng lệnh "
        "counter-app conflicts); các hồ sơ khác vẫn đồng bộ bình thường."
    )


def cli_conflicts(dossiers: int) -> str:
    if not dossiers:
        return "Không có hồ sơ nào xung đột."
    return f"{dossiers} hồ sơ có sự kiện xung đột."
