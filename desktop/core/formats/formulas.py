"""Check the formula cells of a workbook read by :mod:`.workbook_reader`, without trusting or running them.

A workbook saved by a program that does not calculate (openpyxl, many generators) stores formulas without
the value; one changed after its last calculation stores a value the formula no longer gives. Simple
formulas (``=SUM(B5:B9)``, ``=SUM(B5,B7)``, ``=B5+B6-B7``, ``=1234.56``, and sums of these) are computed
here exactly, with Decimal from the cells' stored number text, never with float and never with eval:
without a cached value the computed one is used; a cached value that differs is reported. Any other
formula is reported as not checked. Every finding names the sheet and the cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Context, Decimal, DecimalException, Inexact, InvalidOperation, Overflow, Rounded

from openpyxl.utils.cell import column_index_from_string

from ..i18n import tr
from .workbook_reader import Cell, Sheet

_EXACT = Context(prec=60, Emax=99, Emin=-99, traps=[InvalidOperation, Overflow, Inexact, Rounded])
_REF = r"\$?([A-Z]{1,3})\$?(\d{1,7})"
_REF_RE = re.compile(_REF + "$")
_RANGE_RE = re.compile(_REF + ":" + _REF + "$")
_NUMBER_RE = re.compile(r"\d+(?:\.\d*)?(?:[eE][+-]?\d{1,3})?$|\.\d+(?:[eE][+-]?\d{1,3})?$")
_TERM_RE = re.compile(r"\s*([+-]?)\s*(SUM\([^()]*\)|[$A-Z0-9.:]+(?:[eE][+-]?\d+)?)\s*", re.IGNORECASE)
MAX_FORMULA = 2000  # characters; a longer formula is not checked
MAX_DEPTH = 60  # formulas referring to formulas
MAX_VISITS = 2_000_000  # cells looked at by all the SUMs of one workbook


class _Unknown(Exception):
    """This formula (or one it depends on) is not one this module computes."""


@dataclass(frozen=True)
class FormulaNote:
    """A formula cell that was computed, disagrees with its cached value, or could not be checked."""

    sheet: str
    address: str
    formula: str
    message: str
    used: bool  # a value was read for the cell (cached, or computed here)

    def __str__(self) -> str:
        return tr("工作表“{sheet}”单元格 {address}（{formula}）：{message}", sheet=self.sheet, address=self.address, formula=self.formula[:80], message=self.message)


def _address(r: int, c: int) -> str:
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(c + 1)}{r + 1}"


def _ref(match: re.Match, offset: int = 0) -> tuple[int, int]:
    row = int(match.group(offset + 2)) - 1
    col = column_index_from_string(match.group(offset + 1).upper()) - 1
    if row < 0 or col > 16383:
        raise _Unknown
    return row, col


class _Sheet:
    """Evaluates the formulas of one sheet, each at most once."""

    def __init__(self, sheet: Sheet, visits: list[int]) -> None:
        self.sheet, self.visits = sheet, visits
        self.done: dict[tuple[int, int], Decimal | None] = {}  # None: cannot be computed
        self.busy: set[tuple[int, int]] = set()

    def computed(self, at: tuple[int, int], depth: int = 0) -> Decimal | None:
        """What the formula at ``at`` gives, or None when it cannot be computed here."""
        if at in self.done:
            return self.done[at]
        if at in self.busy or depth > MAX_DEPTH:
            return None  # circular, or too deep to follow
        self.busy.add(at)
        try:
            value: Decimal | None = self._expression(self.sheet.cells[at].formula or "", depth)
        except (_Unknown, DecimalException, ValueError):
            value = None
        finally:
            self.busy.discard(at)
        self.done[at] = value
        return value

    def _expression(self, formula: str, depth: int) -> Decimal:
        body = formula[1:] if formula.startswith("=") else formula
        if not body.strip() or len(body) > MAX_FORMULA:
            raise _Unknown
        total, pos = Decimal(0), 0
        for n, term in enumerate(_TERM_RE.finditer(body)):
            if term.start() != pos or (n and not term.group(1)):
                raise _Unknown  # something between the terms (*, /, a function, text) or two terms without a sign
            value = self._term(term.group(2), depth)
            total = _EXACT.subtract(total, value) if term.group(1) == "-" else _EXACT.add(total, value)
            pos = term.end()
        if pos != len(body) or pos == 0:
            raise _Unknown
        return total

    def _term(self, text: str, depth: int) -> Decimal:
        if text.upper().startswith("SUM("):
            total = Decimal(0)
            for arg in text[4:-1].split(","):
                total = _EXACT.add(total, self._sum_arg(arg.strip(), depth))
            return total
        if _NUMBER_RE.match(text):
            return _EXACT.plus(Decimal(text))
        ref = _REF_RE.match(text.upper())
        if ref is None:
            raise _Unknown
        value = self._value(_ref(ref), depth, in_sum=False)
        return Decimal(0) if value is None else value

    def _sum_arg(self, arg: str, depth: int) -> Decimal:
        if _NUMBER_RE.match(arg):
            return _EXACT.plus(Decimal(arg))
        if (ref := _REF_RE.match(arg.upper())) is not None:
            return self._value(_ref(ref), depth, in_sum=True) or Decimal(0)
        if (rng := _RANGE_RE.match(arg.upper())) is None:
            raise _Unknown
        (r1, c1), (r2, c2) = _ref(rng), _ref(rng, 2)
        r1, r2, c1, c2 = min(r1, r2), max(r1, r2), min(c1, c2), max(c1, c2)
        area = (r2 - r1 + 1) * (c2 - c1 + 1)
        if area <= len(self.sheet.cells):
            inside = [(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1) if (r, c) in self.sheet.cells]
        else:
            inside = [(r, c) for r, c in self.sheet.cells if r1 <= r <= r2 and c1 <= c <= c2]
        self.visits[0] -= min(area, len(self.sheet.cells))
        if self.visits[0] < 0:
            raise _Unknown
        total = Decimal(0)
        for at in inside:
            total = _EXACT.add(total, self._value(at, depth, in_sum=True) or Decimal(0))
        return total

    def _value(self, at: tuple[int, int], depth: int, *, in_sum: bool) -> Decimal | None:
        """A referenced cell's number; None for an empty cell (and for text inside SUM, which SUM skips)."""
        cell = self.sheet.cells.get(at)
        if cell is None:
            return None
        if cell.formula:
            value = self.computed(at, depth + 1)
            if value is not None:
                return value
            if not cell.cached:
                raise _Unknown
        if cell.number:
            return _EXACT.plus(Decimal(cell.text))
        if in_sum and cell.text and not cell.text.startswith("#"):
            return None  # SUM skips text (an error value is not skipped: it would make the sum an error)
        raise _Unknown


def _same(cached: Decimal, computed: Decimal) -> bool:
    """Equal, allowing for the float noise of a value Excel stored (0.1+0.2 is cached as 0.30000000000000004)."""
    return abs(cached - computed) <= max(abs(computed) * Decimal("1e-13"), Decimal("1e-9"))


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f") if value == value.to_integral_value() else format(value, "f")
    return text if "." not in text else text.rstrip("0").rstrip(".") or "0"


def resolve_formulas(sheets: list[Sheet]) -> list[FormulaNote]:
    """Compute the simple formulas; fill in the ones without a cached value; return (and add to each sheet's
    ``formula_notes``) what to report."""
    notes: list[FormulaNote] = []
    visits = [MAX_VISITS]
    for sheet in sheets:
        evaluator = _Sheet(sheet, visits)
        for at in sorted(at for at, cell in sheet.cells.items() if cell.formula):
            cell = sheet.cells[at]
            formula, where = cell.formula or "", _address(*at)
            computed = evaluator.computed(at)
            note = _judge(sheet, at, cell, computed)
            if note is not None:
                notes.append(FormulaNote(sheet.name, where, formula, *note))
                sheet.formula_notes.append(notes[-1])
    return notes


def _judge(sheet: Sheet, at: tuple[int, int], cell: Cell, computed: Decimal | None) -> tuple[str, bool] | None:
    """The message for one formula cell (and fill in a computed value); None when all is well."""
    if not cell.cached:
        if computed is None:
            return (tr("公式未能核对/无缓存值：文件没有保存这个公式的计算结果，本软件只核对简单的求和与加减，"
                    "此格未读入。请在 Excel/WPS 中打开并保存一次（保存计算结果）后重新导入，或把它改为数值。"), False)
        sheet.cells[at] = Cell(_plain(computed), True, cell.formula, cell.indent, cell.number_format, False)
        return (tr("文件没有保存计算结果，已按公式算出 {plain} 并读入，请核对。", plain=_plain(computed)), True)
    if computed is None:
        shown = tr("按缓存值“{text}”读入", text=cell.text[:40]) if cell.text else tr("未读入")
        return (tr("公式未能核对（本软件只核对简单的求和与加减），{shown}，请核对。", shown=shown), bool(cell.text))
    try:
        cached = Decimal(cell.text) if cell.number else None
    except InvalidOperation:
        cached = None
    if cached is None or not cached.is_finite():
        return (tr("公式算出 {plain}，但文件中保存的结果是“{text}”，两者不一致；按保存的结果读入，"
                "请核对（文件可能在计算后被改动过）。", plain=_plain(computed), text=cell.text[:40]), True)
    if not _same(cached, computed):
        return (tr("公式算出 {plain}，但文件中保存的结果是 {text}，两者不一致；按保存的结果读入，"
                "请核对（文件可能在计算后被改动过，请在 Excel/WPS 中重新计算并保存）。", plain=_plain(computed), text=cell.text), True)
    return None
