"""Vietnamese for Qt's own words (context menus, standard buttons): this Qt ships no
Vietnamese translation. Keys are Qt's (context, source text); "*" matches any context."""

from __future__ import annotations

QT_TRANSLATIONS: dict[tuple[str, str], str] = {
    ("*", "&Undo"): "&Hoàn tác",
    ("*", "&Redo"): "&Làm lại",
    ("*", "Cu&t"): "&Cắt",
    ("*", "&Copy"): "&Sao chép",
    ("*", "&Paste"): "&Dán",
    ("*", "Delete"): "Xóa",
    ("*", "Select All"): "Chọn tất cả",
    ("*", "&Select All"): "&Chọn tất cả",
    ("*", "Copy &Link Location"): "Sao chép địa chỉ &liên kết",
    ("QAbstractSpinBox", "&Step up"): "&Tăng",
    ("QAbstractSpinBox", "Step &down"): "&Giảm",
    ("QPlatformTheme", "OK"): "Đồng ý",
    ("QPlatformTheme", "Save"): "Lưu",
    ("QPlatformTheme", "Save All"): "Lưu tất cả",
    ("QPlatformTheme", "Open"): "Mở",
    ("QPlatformTheme", "&Yes"): "&Có",
    ("QPlatformTheme", "Yes to &All"): "Có với &tất cả",
    ("QPlatformTheme", "&No"): "&Không",
    ("QPlatformTheme", "N&o to All"): "Không với tất &cả",
    ("QPlatformTheme", "Abort"): "Hủy bỏ",
    ("QPlatformTheme", "Retry"): "Thử lại",
    ("QPlatformTheme", "Ignore"): "Bỏ qua",
    ("QPlatformTheme", "Close"): "Đóng",
    ("QPlatformTheme", "Cancel"): "Hủy",
    ("QPlatformTheme", "Discard"): "Không lưu",
    ("QPlatformTheme", "Help"): "Trợ giúp",
    ("QPlatformTheme", "Apply"): "Áp dụng",
    ("QPlatformTheme", "Reset"): "Đặt lại",
    ("QPlatformTheme", "Restore Defaults"): "Khôi phục mặc định",
    ("QMessageBox", "Show Details..."): "Xem chi tiết...",
    ("QMessageBox", "Hide Details..."): "Ẩn chi tiết...",
}
