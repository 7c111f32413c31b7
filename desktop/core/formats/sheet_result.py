"""What the tables of one workbook gave for one template set, and a cell's amount in hundredths."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from ..definitions import TemplateSet
from ..i18n import tr
from ..money import MAX_INTEGER_DIGITS, SCALE, AmountError, parse_amount
from .published import Unplaced
from .sheet_header import Anchor
from .workbook_reader import Cell


@dataclass
class TableResult:
    """What the tables of one workbook gave for one template set."""

    values: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)
    floating: dict[str, dict[str, str]] = field(default_factory=dict)
    unplaced: list[Unplaced] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)
    tables_found: dict[str, Anchor] = field(default_factory=dict)
    unit_names: list[str] = field(default_factory=list)
    years: list[str] = field(default_factory=list)
    money_units: list[str] = field(default_factory=list)
    continued: list[str] = field(default_factory=list)  # "表名：工作表“…”" for each continuation joined

    def score(self, tset: TemplateSet) -> float:
        found = len(self.tables_found)
        placed = sum(len(cells) for rows in self.values.values() for cells in rows.values())
        unit = most_common(self.money_units)
        if not found:
            return float("-inf")
        return (3 * found - 2 * (len(tset.tables) - found) + 0.2 * placed - 0.5 * len(self.unplaced)
                + (1 if unit == tset.info.money_unit else 0))




def most_common(items: list[str]) -> str:
    return Counter(items).most_common(1)[0][0] if items else ""


# -- numbers ----------------------------------------------------------------------------------------
def cell_hundredths(cell: Cell, decimals: int) -> int | None:
    """A cell's value in hundredths; numbers stored as numbers keep their exact stored text."""
    if not cell.number:
        return parse_amount(cell.text, decimals)
    try:
        value = Decimal(cell.text)
    except InvalidOperation as exc:
        raise AmountError(tr("“{text}”不是数字", text=cell.text)) from exc
    if not value.is_finite():
        raise AmountError(tr("“{text}”不是数字", text=cell.text))
    if abs(value) >= Decimal(10) ** MAX_INTEGER_DIGITS:
        raise AmountError(tr("“{text}”数值过大（超过 {digits} 位整数）", text=cell.text, digits=MAX_INTEGER_DIGITS))
    step = Decimal(1).scaleb(-decimals)
    rounded = value.quantize(step, rounding=ROUND_HALF_UP)
    if abs(value - rounded) > max(abs(value) * Decimal("1e-13"), Decimal("1e-9")):  # beyond float noise
        what = tr("应为整数") if decimals == 0 else tr("的小数超过 {decimals} 位，金额最多保留到分（两位小数）", decimals=decimals)
        raise AmountError(f"“{cell.text}”{what}")
    if abs(rounded) >= Decimal(10) ** MAX_INTEGER_DIGITS:
        raise AmountError(tr("“{text}”数值过大（超过 {digits} 位整数）", text=cell.text, digits=MAX_INTEGER_DIGITS))
    return int(rounded * SCALE)


# -- one table region ---------------------------------------------------------------------------------
