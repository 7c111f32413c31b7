"""Findings: one failed relationship, with the figures, the difference and the cells to jump to."""

from __future__ import annotations

from msgspec import Struct

from ..i18n import N_
from .instances import Cell

SEVERITY_LABELS = {"error": N_("错误"), "warning": N_("提示"), "rounding": N_("尾数误差")}
SEVERITY_ORDER = {"error": 0, "warning": 1, "rounding": 2}


class Finding(Struct, frozen=True):
    """What a clerk sees in the 审核结果 panel; amounts are hundredths (None for structural findings)."""

    key: str
    rule_id: str
    severity: str
    message: str
    table: str
    cells: tuple[Cell, ...]
    left: int | None = None
    right: int | None = None

    @property
    def diff(self) -> int | None:
        if self.left is None or self.right is None:
            return None
        return self.left - self.right

    @property
    def severity_label(self) -> str:
        return SEVERITY_LABELS[self.severity]

    def sort_key(self) -> tuple[int, str]:
        return (SEVERITY_ORDER[self.severity], self.key)
