"""上年数: last year's figures a document uses, copied from last year's document or typed, and checked.

What a set needs is data (``prior:`` in resources/narrative/<set>.yaml): each item's ``value`` is a rule
expression read from last year's document (same table keys across a region's sets), its ``labels`` are how
the prose names it, and ``opening`` is this year's 年初 cell that must equal it (年初结转和结余 = 上年年末).
Values are stored in hundredths of this document's money unit with their source.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from msgspec import Struct

from ..document import DocumentError
from ..i18n import tr
from ..money import AmountError, format_amount, parse_amount
from ..rules.findings import Finding
from .spec import NarrativeSpec, NarrativeSpecError, load_spec
from .store import read_prior, write_prior
from .ties import Tables

if TYPE_CHECKING:
    from ..rules.instances import Cell
    from ..session import Session


class PriorError(ValueError):
    """A 上年数 that was refused (wrong year or unit, a bad amount); ``str()`` is the Chinese reason."""


class LinkResult(Struct, frozen=True):
    copied: list[tuple[str, int]]  # (label, hundredths of this document's unit)
    missing: list[str]  # labels last year's document does not hold
    source: str


def spec_of(session: Session) -> NarrativeSpec | None:
    try:
        return load_spec(session.tset.id)
    except NarrativeSpecError:
        return None


def _convert(hundredths: int, from_unit: str, to_unit: str) -> int:
    if from_unit == to_unit:
        return hundredths
    if from_unit == "元" and to_unit == "万元":
        return int((Decimal(hundredths) / 10000).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return hundredths * 10000


def set_typed(session: Session, key: str, text: str, *, who: str) -> int | None:
    """A 上年数 typed in the 上年数 form (empty text removes it); returns the stored hundredths."""
    spec = spec_of(session)
    item = spec.prior_item(key) if spec else None
    if item is None:
        raise PriorError(tr("本模板没有名为“{key}”的上年数项目。", key=key))
    try:
        value = parse_amount(text, 2)
    except AmountError as exc:
        raise PriorError(tr("上年{label}：{exc}", label=item.label, exc=exc)) from exc
    source = tr("手工录入（{who}，{date}）", who=who or tr("未署名"), date=date.today().isoformat())
    write_prior(session.doc, {key: value}, {key: source}, who=who)
    session.narrative_edited()
    return value


def link_prior(session: Session, path: Path, *, who: str) -> LinkResult:
    """Copy every 上年数 from last year's document of the same unit; refused (nothing written) otherwise."""
    from ..session import Session as _Session

    spec = spec_of(session)
    if spec is None or not spec.prior:
        raise PriorError(tr("模板“{name}”没有上年数项目。", name=session.tset.name))
    path = Path(path)
    if path.resolve() == session.doc.path.resolve():
        raise PriorError(tr("不能把本文件自己作为上年文件。请选择上一年度的 .gkb 文件。"))
    try:
        other = _Session.open(path, readonly=True)
    except DocumentError as exc:
        raise PriorError(tr("上年文件无法打开：{exc}", exc=exc)) from exc
    try:
        meta, mine = other.doc.meta, session.doc.meta
        year = int(mine.get("year", session.tset.info.year))
        if meta.get("year", "") != str(year - 1):
            unknown = tr("未知")
            raise PriorError(tr("“{name}”是 {their_year} 年度的文件，本文件是 {year} 年度，"
                                "上年数应取自 {prior_year} 年度的文件。未复制。", name=path.name,
                                their_year=meta.get("year", unknown), year=year, prior_year=year - 1))
        if meta.get("unit_name", "").strip() != mine.get("unit_name", "").strip():
            raise PriorError(tr("“{name}”的单位是“{theirs}”，与本文件“{mine}”"
                             "不同。上年数应取自同一单位的上年文件，未复制。", name=path.name, theirs=meta.get('unit_name', ''), mine=mine.get('unit_name', '')))
        tables = Tables(other)
        source = tr("上年文件：{unit} {year}年（{name}），{date} 复制", unit=meta.get('unit_name', ''), year=meta.get('year', ''), name=path.name, date=date.today().isoformat())
        values: dict[str, int | None] = {}
        copied, missing = [], []
        for item in spec.prior:
            found = tables.evaluate(item.value)
            if found is None or found.filled == 0:
                missing.append(item.label)
                continue
            values[item.key] = _convert(found.value, other.doc.money_unit, session.doc.money_unit)
            copied.append((item.label, values[item.key] or 0))
    finally:
        other.close()
    if not values:
        raise PriorError(tr("“{name}”中没有找到任何上年数（{missing}），未复制。", name=path.name, missing='、'.join(missing)))
    write_prior(session.doc, values, {k: source for k in values}, who=who, action="prior_link")
    session.narrative_edited()
    return LinkResult(copied, missing, source)


def opening_findings(session: Session, spec: NarrativeSpec, prior: dict[str, int],
                     reads: set[Cell] | None = None) -> list[Finding]:
    """年初 cells that must equal last year's 年末 (items with ``opening``), for the 上年数 present; ``reads``
    collects the cells read."""
    tables = Tables(session, reads)
    sources = {k: p.source for k, p in read_prior(session.doc).items()}
    out = []
    for item in spec.prior:
        if not item.opening or item.key not in prior:
            continue
        found = tables.evaluate(item.opening)
        if found is None or not found.cells:
            continue
        gap = found.value - prior[item.key]
        if gap == 0:
            continue
        severity = "rounding" if tables.wan and abs(gap) <= 1 else "error"
        unit = session.doc.money_unit
        message = (tr("{where} 为 {amount}，上年数中{label}为 "
                   "{prior}（{unit}，{source}），年初数应等于上年年末数，"
                   "相差 {gap}。请核对本年年初数或上年数。", where=tables.describe(found), amount=format_amount(found.value), label=item.label, prior=format_amount(prior[item.key]), unit=unit, source=sources.get(item.key, ''), gap=format_amount(gap)))
        if severity == "rounding":
            message += tr("差额在万元尾数误差范围内（尾数误差），核实后可不修改。")
        table = found.cells[0][0]
        out.append(Finding(f"narrative.opening[{item.key}]", "narrative.opening", severity, message, table,
                           found.cells, found.value, prior[item.key]))
    return out
