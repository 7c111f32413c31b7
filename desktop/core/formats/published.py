"""Read "published figures" JSON: a disclosure's tables as printed, transcribed table by table.

This is the structured form of the real disclosures under ../shared/seeds (and of any document
transcribed the same way). Nothing here is tuned to one document: tables are found by their printed
title, the template set is chosen by how well each set's tables, 行次 and columns fit, rows are placed
by 行次, label or 科目编码, columns by header text or 栏次. Every value that cannot be placed or parsed is
reported, never dropped silently.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

from ..definitions import BlockDef, ColumnDef, TableDef, TemplateSet, all_sets
from ..definitions.template_set import code_level
from ..i18n import tr
from ..money import AmountError, is_not_applicable, parse_amount, to_plain
from .dump import FORMAT, FORMAT_VERSION, DumpError
from .listed_rows import ListedRows

_STRIP = re.compile(r"[\s“”\"'‘’《》:：·、\-—_]")
_NUMBERING = re.compile(r"^[（(]?[一二三四五六七八九十百零〇]+[)）、.．]|^\d+[.．、]|^[（(]\d+[)）]")


def norm(text: str | None) -> str:
    """Compare captions without spaces, quotes, colons or bracket style."""
    if not text:
        return ""
    return _STRIP.sub("", str(text).replace("（", "(").replace("）", ")"))


def strip_numbering(text: str | None) -> str:
    return norm(_NUMBERING.sub("", (text or "").strip()))


def norm_hangci(text: Any) -> str | None:
    if text is None:
        return None
    s = str(text).strip()
    m = re.match(r"^(\d+)(?:\.0+)?$", s)
    return m.group(1) if m else (s or None)


@dataclass
class Unplaced:
    """A printed value that could not be put into a cell."""

    table: str
    row: str
    column: str
    raw: str
    reason: str

    def __str__(self) -> str:
        return f"{self.table} · {self.row} · {self.column}：“{self.raw}”（{self.reason}）"


@dataclass
class Conversion:
    """The result: a dump dict ready for :func:`load_dump`, plus what could not be placed."""

    dump: dict[str, Any]
    set_id: str
    set_reason: str
    matched: dict[str, str] = field(default_factory=dict)  # printed title -> table key
    unmatched_tables: list[str] = field(default_factory=list)
    unplaced: list[Unplaced] = field(default_factory=list)
    formulas: list[Any] = field(default_factory=list)  # workbook formulas computed here or to be checked (formulas.FormulaNote)
    skipped: list[str] = field(default_factory=list)  # hidden rows, columns and sheets not read (workbooks)
    continued: list[str] = field(default_factory=list)  # continuations joined to their table (workbooks)
    forms: Any = None  # the 绩效 forms read from the same workbook (jixiao.seeds.FormConversion)


# -- table and column matching --------------------------------------------------------------------
def title_score(printed: str, table: TableDef) -> float:
    p = norm(printed)
    best = 0.0
    for title in [table.title, *table.aliases]:
        t = norm(title)
        if p == t:
            return 1.0
        if p and t and (p in t or t in p):
            best = max(best, 0.9)
        best = max(best, SequenceMatcher(None, p, t).ratio())
    return best


def match_table(printed: str, tset: TemplateSet, taken: set[str]) -> TableDef | None:
    scored = [(title_score(printed, t), t) for t in tset.tables if t.key not in taken]
    scored.sort(key=lambda st: -st[0])
    if scored and scored[0][0] >= 0.8:
        return scored[0][1]
    return None


def _col_names(col: ColumnDef) -> list[str]:
    return [norm("".join(col.header)), norm(col.caption), *(norm(a) for a in col.aliases)]


def match_column(name: str, lanci: str | None, block: BlockDef) -> ColumnDef | None:
    """A printed column (name, 栏次) to a value column of the block."""
    cols = block.value_columns
    n = norm(name)
    full = [c for c in cols if norm("".join(c.header)) == n]
    if len(full) == 1:
        return full[0]
    tail = [c for c in cols if n in _col_names(c)]
    if lanci:
        by_lanci = [c for c in tail if c.lanci and norm_hangci(c.lanci) == norm_hangci(lanci)]
        if len(by_lanci) == 1:
            return by_lanci[0]
    if len(tail) == 1:
        return tail[0]
    suffix = [c for c in cols if n.endswith(norm(c.caption)) and n.startswith(norm(c.header[0]))]
    if len(suffix) == 1:
        return suffix[0]
    if lanci:
        only = [c for c in cols if c.lanci and norm_hangci(c.lanci) == norm_hangci(lanci)]
        if len(only) == 1 and len(cols) > 0:
            return only[0]
    return None


# -- rows ---------------------------------------------------------------------------------------
def match_fixed_row(block: BlockDef, label: str | None, hangci: Any) -> str | None:
    """A printed row of a fixed block: 行次 confirmed by label, else label alone, else 行次 alone."""
    data = [r for r in block.rows if r.kind == "data"]
    h = norm_hangci(hangci)
    by_h = [r for r in block.rows if r.hangci and norm_hangci(r.hangci) == h] if h else []
    labels = lambda r: {norm(r.label), *(norm(a) for a in r.aliases)}  # noqa: E731
    stripped = lambda r: {strip_numbering(r.label), *(strip_numbering(a) for a in r.aliases)}  # noqa: E731
    if label:
        for r in by_h:
            if r.kind == "data" and (norm(label) in labels(r) or strip_numbering(label) in stripped(r)):
                return r.key
        exact = [r for r in data if norm(label) in labels(r)]
        if len(exact) == 1:
            return exact[0].key
        loose = [r for r in data if strip_numbering(label) in stripped(r)]
        if len(loose) == 1:
            return loose[0].key
        if len(loose) > 1 and by_h:
            near = [r for r in loose if r in by_h]
            if len(near) == 1:
                return near[0].key
    if by_h and by_h[0].kind == "data":
        return by_h[0].key
    return None


def next_unused_row(block: BlockDef, label: str | None, used: set[str]) -> str | None:
    """For a label printed twice without 行次 (表4's 一、一般公共预算 under 本年 and under 上年结转):
    the first row with that label, in printed order, not placed yet."""
    keys = [r.key for r in block.rows if r.kind == "data"]
    after = max((keys.index(k) for k in used if k in keys), default=-1)
    for r in block.rows[after + 1:] if after >= 0 else block.rows:
        if r.kind == "data" and r.key not in used and (
            norm(label) in {norm(r.label), *(norm(a) for a in r.aliases)}
            or strip_numbering(label) in {strip_numbering(r.label), *(strip_numbering(a) for a in r.aliases)}
        ):
            return r.key
    return None


def find_fixed_row(table: TableDef, label: str | None, hangci: Any) -> tuple[BlockDef, str | None]:
    """The first block with a fixed row matching (label, 行次); the first block and None if none does."""
    if label or hangci:
        for block in table.blocks:
            key = match_fixed_row(block, label, hangci)
            if key:
                return block, key
    return table.blocks[0], None


def code_of(row: Mapping[str, Any]) -> str | None:
    """The 科目编码 of a printed row, also when it is split over 类/款/项 columns."""
    for key in ("科目编码", "科目代码", "功能分类科目编码", "收入科目编码", "code"):
        value = row.get(key)
        if value:
            return re.sub(r"\s", "", str(value))
    parts = [re.sub(r"\s", "", str(row[k])) for k in ("类", "款", "项") if row.get(k)]
    parts = [p for p in parts if p.isdigit()]
    if not parts:
        return None
    longest = max(parts, key=len)
    if len(longest) in (3, 5, 7) and all(longest.startswith(p) for p in parts):
        return longest
    joined = "".join(parts)
    return joined if len(joined) in (3, 5, 7) else longest


# -- conversion of one candidate set ---------------------------------------------------------------
class _Converter:
    """Places one published document's values into one template set, scoring the fit."""

    def __init__(self, tset: TemplateSet, data: Mapping[str, Any]) -> None:
        self.tset, self.data = tset, data
        self.values: dict[str, dict[str, dict[str, str]]] = {}
        self.floating: dict[str, dict[str, str]] = {}
        self.unplaced: list[Unplaced] = []
        self.matched: dict[str, str] = {}
        self.unmatched: list[str] = []
        self.score = 0.0

    def run(self) -> _Converter:
        taken: set[str] = set()
        for printed in self.data.get("tables") or []:
            if not isinstance(printed, Mapping):
                continue
            title = str(printed.get("title") or "")
            table = match_table(title, self.tset, taken)
            if table is None:
                self.unmatched.append(title or str(printed.get("label") or "?"))
                self.score -= 3
                continue
            taken.add(table.key)
            self.matched[title] = table.key
            self.score += 2 * title_score(title, table)
            label = norm(printed.get("label_printed") or printed.get("label"))
            if label and table.label and (label == norm(table.label) or label + "表" == norm(table.label)):
                self.score += 2
            self._convert(table, printed)
        self.score -= sum(1 for t in self.tset.tables if t.key not in taken)
        self.score -= 2 * len(self.unplaced)
        return self

    # values
    def _put(self, table: TableDef, row_key: str, col: ColumnDef, raw: Any, row_caption: str) -> None:
        if raw is None:
            return
        text = str(raw)
        if is_not_applicable(text):
            return
        try:
            value = parse_amount(text, col.decimals)
        except AmountError as exc:
            self.unplaced.append(Unplaced(table.title, row_caption, col.caption, text, str(exc)))
            return
        if value is None:
            return
        self.values.setdefault(table.key, {}).setdefault(row_key, {})[col.key] = to_plain(value, col.decimals) or ""
        self.score += 0.2

    def _lost(self, table: TableDef, row: str, column: str, raw: Any, reason: str) -> None:
        if raw is None or is_not_applicable(str(raw)) or str(raw).strip() == "":
            return
        self.unplaced.append(Unplaced(table.title, row, column, str(raw), reason))

    def _put_values(self, table: TableDef, block: BlockDef, row_key: str | None, values: Mapping[str, Any],
                    columns: Mapping[str, str | None], caption: str) -> None:
        for name, raw in values.items():
            if row_key is None:
                self._lost(table, caption, name, raw, tr("表中没有对应的行"))
                continue
            col = match_column(name, columns.get(name), block)
            if col is None:
                self._lost(table, caption, name, raw, tr("表中没有对应的栏"))
                continue
            self._put(table, row_key, col, raw, caption)

    # dispatch on the printed structure
    def _convert(self, table: TableDef, printed: Mapping[str, Any]) -> None:
        if "income_rows" in printed or "expenditure_rows" in printed:
            self._two_sided(table, printed)
        elif "blocks" in printed:
            self._econ_blocks(table, printed)
        elif "sections" in printed:
            self._sections(table, printed)
        else:
            self._rows(table, printed)

    @staticmethod
    def _columns(spec: Any) -> dict[str, str | None]:
        out: dict[str, str | None] = {}
        for c in spec or []:
            if isinstance(c, Mapping) and c.get("name"):
                name = str(c["name"])
                if c.get("group") and not name.startswith(str(c["group"])):
                    out[f"{c['group']}·{name}"] = c.get("栏次")
                out[name] = c.get("栏次")
            elif isinstance(c, str):
                out[c] = None
        return out

    def _two_sided(self, table: TableDef, printed: Mapping[str, Any]) -> None:
        spec = printed.get("columns") or {}
        sides = [("income_rows", "收入"), ("expenditure_rows", "支出")]
        for (rows_key, side), block in zip(sides, table.blocks, strict=False):
            columns = self._columns(spec.get(side) if isinstance(spec, Mapping) else None)
            used: set[str] = set()
            for row in printed.get(rows_key) or []:
                label, hangci = row.get("label"), row.get("行次")
                key = match_fixed_row(block, label, hangci)
                if (key is None or key in used) and label and not hangci:
                    key = next_unused_row(block, label, used)
                if key:
                    used.add(key)
                fixed = next((r for r in block.rows if r.key == key), None)
                if fixed is not None and fixed.hangci and norm_hangci(fixed.hangci) == norm_hangci(hangci):
                    self.score += 0.5
                caption = (tr("{label}（行次{hangci}）", label=label or "", hangci=norm_hangci(hangci)) if hangci
                           else str(label or tr("（无标签行）")))
                self._put_values(table, block, key, row.get("values") or {}, columns, caption)

    def _coded_row(self, table: TableDef, code: str, name: str) -> tuple[BlockDef | None, str | None]:
        for block in table.blocks:
            for r in block.rows:
                if r.code == code or r.key == code:
                    return block, r.key
        fl = table.floating_block
        if fl is not None and (code_level(code) or (fl.floating is not None and len(code) in fl.floating.levels)):
            self.floating.setdefault(table.key, {})
            if name or code not in self.floating[table.key]:
                self.floating[table.key][code] = name
            return fl, code
        return None, None

    def _rows(self, table: TableDef, printed: Mapping[str, Any]) -> None:
        columns = self._columns(printed.get("columns"))
        fl = table.floating_block
        total = printed.get("total_row")
        if isinstance(total, Mapping):
            if fl is not None and fl.floating is not None:
                self._put_values(table, fl, fl.floating.total_key, total.get("values") or {}, columns, "合计")
            else:
                key = next((match_fixed_row(b, total.get("label") or "合计", None) for b in table.blocks), None)
                self._put_values(table, table.blocks[0], key, total.get("values") or {}, columns, "合计")
        if fl is not None and fl.floating is not None and (fl.floating.named or fl.floating.pair_list):
            ListedRows(self, table, fl, columns).place_all([r for r in printed.get("rows") or [] if isinstance(r, Mapping)])
            return
        data_rows = [r for b in table.blocks for r in b.rows if r.kind == "data"]
        for row in printed.get("rows") or []:
            code = code_of(row)
            if code:
                name = str(row.get("科目名称") or row.get("name") or "")
                block, key = self._coded_row(table, code, name)
                self._put_values(table, block or table.blocks[0], key, row.get("values") or {}, columns,
                                 f"{code} {name}".strip())
                continue
            label = row.get("label")
            block, key = find_fixed_row(table, label, row.get("行次"))
            if key is None and not label and len(printed.get("rows") or []) == 1 and len(data_rows) == 1:
                key = data_rows[0].key
                block = next(b for b in table.blocks if any(r.key == key for r in b.rows))
            self._put_values(table, block, key, row.get("values") or {}, columns, str(label or tr("（无标签行）")))

    def _econ_blocks(self, table: TableDef, printed: Mapping[str, Any]) -> None:
        skip = {"科目编码", "科目代码", "科目名称", "code", "name"}
        for pblock in printed.get("blocks") or []:
            for row in pblock.get("rows") or []:
                code = code_of(row)
                if not code:
                    continue
                block, key = self._coded_row(table, code, str(row.get("科目名称") or ""))
                values = {k: v for k, v in row.items() if k not in skip}
                self._put_values(table, block or table.blocks[0], key, values, {}, f"{code} {row.get('科目名称') or ''}")
        for total in printed.get("totals") or []:
            label = total.get("label")
            block, key = find_fixed_row(table, label, None)
            values = {k: v for k, v in total.items() if k != "label"}
            self._put_values(table, block, key, values, {}, str(label))

    def _sections(self, table: TableDef, printed: Mapping[str, Any]) -> None:
        for section in printed.get("sections") or []:
            cols = section.get("columns") or []
            value_name = str(cols[-1]) if cols else "value"
            for row in section.get("rows") or []:
                label, hangci = row.get("label"), row.get("行次")
                block, key = find_fixed_row(table, label, hangci)
                caption = tr("{label}（行次{hangci}）", label=label or "", hangci=norm_hangci(hangci))
                if key is None or not block.value_columns:
                    self._lost(table, caption, value_name, row.get("value"), tr("表中没有对应的行"))
                    continue
                self._put(table, key, block.value_columns[0], row.get("value"), caption)

    def dump(self, meta: dict[str, str]) -> dict[str, Any]:
        tables: dict[str, Any] = {}
        for table in self.tset.tables:
            entry: dict[str, Any] = {}
            if table.floating_block is not None:
                entry["floating_rows"] = [[c, n] for c, n in sorted(self.floating.get(table.key, {}).items())]
            entry["values"] = self.values.get(table.key, {})
            tables[table.key] = entry
        return {"format": FORMAT, "format_version": FORMAT_VERSION, "set": self.tset.id, "meta": meta,
                "tables": tables, "explanations": {}}


def is_published_figures(data: Any) -> bool:
    """True for a published-figures JSON (a ``tables`` list with printed titles)."""
    return isinstance(data, Mapping) and isinstance(data.get("tables"), list) and "format" not in data


def document_meta(data: Mapping[str, Any]) -> dict[str, str]:
    doc = data.get("document") or {}
    meta = {
        "unit_name": str(doc.get("unit_name_plain") or doc.get("unit_name") or ""),
        "year": str(doc.get("fiscal_year") or ""),
        "money_unit": str(doc.get("money_unit") or ""),
        "source": str(data.get("source_file") or ""),
    }
    if meta["money_unit"] not in ("元", "万元"):
        unit = str(doc.get("money_unit") or "")
        meta["money_unit"] = "万元" if unit.startswith("万元") else "元"
    return {k: v for k, v in meta.items() if v}


def convert_published(data: Mapping[str, Any], set_id: str | None = None) -> Conversion:
    """Choose the best-fitting template set (or use ``set_id``) and convert; see :class:`Conversion`.

    The file is untrusted: a structure that is not the published-figures form (a row that is not an
    object, a number where a list belongs, …) raises :class:`DumpError` with the reason in Chinese.
    """
    if not isinstance(data, Mapping):
        raise DumpError(tr("公开数据 JSON 应为对象（含 document 与 tables）。"))
    try:
        return _convert_published(data, set_id)
    except (AttributeError, TypeError, ValueError, IndexError) as exc:
        if isinstance(exc, DumpError):
            raise
        raise DumpError(
            tr("公开数据 JSON 的结构不对，无法转换（{error}：{detail}）。"
               "请确认文件是按表转录的公开数据格式（与 ../shared/seeds 中的文件相同），或重新导出。",
               error=type(exc).__name__, detail=str(exc)[:120])
        ) from exc


def _convert_published(data: Mapping[str, Any], set_id: str | None) -> Conversion:
    doc = data.get("document") or {}
    kind = str(doc.get("kind") or "")
    year = int(doc.get("fiscal_year") or 0) if str(doc.get("fiscal_year") or "").isdigit() else 0
    sets = all_sets()
    if set_id is not None:
        if set_id not in sets:
            raise KeyError(tr("没有名为 {set_id} 的模板（可用：{sets}）", set_id=set_id, sets="、".join(sorted(sets))))
        candidates = [sets[set_id]]
    else:
        candidates = [s for s in sets.values() if not kind or s.info.kind == kind] or list(sets.values())
    results = []
    for tset in candidates:
        conv = _Converter(tset, data).run()
        results.append((conv.score - 0.01 * abs(tset.info.year - year), tset, conv))
    results.sort(key=lambda r: -r[0])
    best_score, tset, conv = results[0]
    if set_id is not None:
        reason = tr("按指定使用模板 {set_id}", set_id=tset.id)
    else:
        runner = (tr("；次优 {set_id}（{score:.1f} 分）", set_id=results[1][1].id, score=results[1][0])
                  if len(results) > 1 else "")
        reason = tr("自动选择模板 {set_id}（{set_name}）：匹配 {matched} 张表，"
                    "{unplaced} 个数值未能放入，得分 {score:.1f}{runner}",
                    set_id=tset.id, set_name=tset.name, matched=len(conv.matched), unplaced=len(conv.unplaced),
                    score=best_score, runner=runner)
    meta = document_meta(data)
    return Conversion(conv.dump(meta), tset.id, reason, conv.matched, conv.unmatched, conv.unplaced)
