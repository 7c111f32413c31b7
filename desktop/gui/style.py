"""Colours and fonts shared by the views (one place to tune the look)."""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QFontDatabase

ERROR_TINT = QColor("#f8c9c4")
WARNING_TINT = QColor("#fbe3b0")
ROUNDING_TINT = QColor("#e4ecf7")
DERIVED_TINT = QColor("#eeeeee")
COMPARE_TINT = QColor("#d6e9ff")  # differs from the file being compared
STATIC_TINT = QColor("#fafafa")
HEADER_TINT = QColor("#f1f3f6")
SEVERITY_TINTS = {"error": ERROR_TINT, "warning": WARNING_TINT, "rounding": ROUNDING_TINT}
SEVERITY_TEXT = {"error": QColor("#b3261e"), "warning": QColor("#8a5a00"), "rounding": QColor("#39598a")}

CJK_FAMILIES = ("Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "微软雅黑", "SimSun", "宋体",
                "WenQuanYi Micro Hei", "PingFang SC", "Noto Sans SC")


def cjk_family() -> str | None:
    """The first installed font family that has Chinese glyphs, if any."""
    installed = set(QFontDatabase.families())
    for family in CJK_FAMILIES:
        if family in installed:
            return family
    for family in QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese):
        return family
    return None


def application_font(point_size: int = 10) -> QFont:
    font = QFont()
    family = cjk_family()
    if family:
        font.setFamily(family)
    font.setPointSize(point_size)
    return font
