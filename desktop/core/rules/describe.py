"""Name cells the way clerks do: 表名, 行次 or 科目编码 with the row caption, 栏次 with the column."""

from __future__ import annotations

from ..definitions.template_set import TemplateSet
from ..i18n import tr
from ..money import format_amount
from .instances import Cell, Instance, Side
from .rowindex import RowIndex

MAX_LISTED_TERMS = 4


class Describer:
    """Captions for tables, rows and columns, used in messages, exports and the JSON output."""

    def __init__(self, tset: TemplateSet, rows: RowIndex) -> None:
        self.tset, self.rows = tset, rows

    def table_name(self, table_key: str) -> str:
        table = self.tset.table(table_key)
        return f"{table.label}《{table.title}》" if table.label else f"《{table.title}》"

    def table_title(self, table_key: str) -> str:
        return self.tset.table(table_key).title

    def row_caption(self, table_key: str, row_key: str) -> str:
        info = self.rows.get(table_key, row_key)
        if info is None:
            return tr("{row_key}（本表无此行）", row_key=row_key)
        if info.named:
            return info.label or row_key
        if info.code2 is not None:
            return tr("{code} {label}（政府经济科目：{pair}）", code=info.code, label=info.label, pair=info.label2 or info.code2)
        if info.code and info.key == info.code:
            return f"{info.code} {info.label}".strip()
        label = self._under(table_key, row_key, info.label or row_key)
        if info.code and info.code not in label:
            label = f"{info.code} {label}"
        return tr("{label}（行次{hangci}）", label=label, hangci=info.hangci) if info.hangci else label

    def _under(self, table_key: str, row_key: str, label: str) -> str:
        """An indented row whose label is printed twice is named with the row it sits under
        (表4: 上年财政拨款结转·一、一般公共预算, not the 一、一般公共预算 of 本年收入)."""
        for block in self.tset.table(table_key).blocks:
            keys = [r.key for r in block.rows]
            if row_key in keys:
                row = block.rows[keys.index(row_key)]
                if row.indent > 0 and sum(1 for r in block.rows if r.label == row.label) > 1:
                    above = [r for r in block.rows[: keys.index(row_key)] if r.indent < row.indent and r.label]
                    if above:
                        return f"{above[-1].label}·{label}"
        return label

    def col_caption(self, table_key: str, row_key: str, col_key: str) -> str:
        table = self.tset.table(table_key)
        block = self.tset.block_of_row(table, row_key)
        col = block.column(col_key) if block else None
        if col is None:
            col = next((c for b in table.blocks if (c := b.column(col_key))), None)
        if col is None:
            return col_key
        parts = [p for p in col.header if p] if len(col.header) > 1 else [col.caption]
        text = "·".join(dict.fromkeys(parts))
        return tr("{text}（栏次{lanci}）", text=text, lanci=col.lanci) if col.lanci else text

    def cell(self, cell: Cell, with_table: bool = False) -> str:
        table, row, col = cell
        text = f"{self.row_caption(table, row)} · {self.col_caption(table, row, col)}"
        return f"{self.table_name(table)} {text}" if with_table else text

    def side(self, side: Side, home_table: str, detail: str | None = None) -> str:
        if not side:
            return "0"
        if detail:
            return detail
        parts = []
        for sign, cell in side[:MAX_LISTED_TERMS]:
            text = self.cell(cell, with_table=cell[0] != home_table)
            parts.append(("－ " if sign < 0 else ("＋ " if parts else "")) + text)
        if len(side) > MAX_LISTED_TERMS:
            parts.append(tr("等 {side_count} 项", side_count=len(side)))
        return " ".join(parts)

    def message(self, inst: Instance, left: int, right: int, rounding: bool, empty: tuple[bool, bool] = (False, False)) -> str:
        """The Chinese message of a failed instance, naming both figures and the difference."""
        home = inst.table
        lhs = self.side(inst.left, home)
        rhs = self.side(inst.right, home, inst.detail if len(inst.right) > 1 or not inst.right else None)
        lv = tr("空") if empty[0] else format_amount(left)
        rv = tr("空") if empty[1] else format_amount(right)
        gap = format_amount(abs(left - right))
        if inst.op == "=":
            tail = tr("{lhs} 为 {lv}，{rhs} 为 {rv}，相差 {format_amount}。", lhs=lhs, lv=lv, rhs=rhs, rv=rv, format_amount=format_amount(left - right))
        elif inst.op == "<=":
            tail = tr("{lhs} 为 {lv}，大于 {rhs}（{rv}）{gap}。", lhs=lhs, lv=lv, rhs=rhs, rv=rv, gap=gap)
        else:
            tail = tr("{lhs} 为 {lv}，小于 {rhs}（{rv}）{gap}。", lhs=lhs, lv=lv, rhs=rhs, rv=rv, gap=gap)
        text = f"{self.table_name(home)}：{inst.name}。{tail}"
        if rounding:
            text += tr("差额在万元尾数误差范围内（尾数误差），核实后可不修改。")
        return text
