"""``gongkai huizong --trace``: which unit file a finding of a 汇总 came from.

For every finding of the 汇总 (the usual checks, run on it like on any document), each recorded unit
file is opened read-only and checked too: a unit with the same finding (same rule on the same cells, row
keys translated for renumbered named rows) is where it came from. Beside that, the unit figures in the
finding's cells, largest first, show which units' cells make the difference when no single unit has it.
A unit file that is missing, unreadable or changed since the 汇总 is named as such.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..document import DocumentError
from ..i18n import tr
from ..money import format_amount
from ..report import finding_dict
from ..rules.findings import Finding
from ..session import Session
from .errors import HuizongError
from .layout import layout_of
from .provenance import Provenance, read_provenance
from .sources import Cell, file_sha256

TOP_PARTS = 8
Signature = tuple[str, frozenset[Cell]]


@dataclass
class TracedFinding:
    finding: dict[str, Any]
    same_in: list[str] = field(default_factory=list)
    parts: list[dict[str, Any]] = field(default_factory=list)  # per cell: caption, top units, how many more

    def lines(self) -> list[str]:
        f = self.finding
        out = [f"[{f['severity_label']}] {f['message']}"]
        if f["table"].startswith("jixiao:"):
            out.append(tr("    绩效表按单位收集，表名中注明了来自哪个单位。"))
            return out
        if self.same_in:
            out.append(tr("    来自单位文件（该文件本身就有同样的问题）：{same_in}", same_in='、'.join(self.same_in)))
        else:
            out.append(tr("    各单位文件都没有这个问题：是多个单位的数字合在一起才出现的，下列各单位的数字供核对。"))
        for part in self.parts:
            shown = "；".join(f"{p['unit']} {p['value']}" for p in part["units"])
            more = tr("；另有 {more} 个单位", more=part['more']) if part["more"] else ""
            shown = shown or tr("各单位均为空")
            out.append(f"    {part['cell']}：{shown}{more}")
        return out


@dataclass
class TraceReport:
    file: str
    name: str
    units: int
    unit_problems: list[str]
    findings: list[TracedFinding]

    def text(self) -> str:
        head = [tr("汇总文件“{file}”（{name}，{units} 个单位）的审核结果追溯：", file=Path(self.file).name, name=self.name, units=self.units)]
        head += [tr("  注意：{p}", p=p) for p in self.unit_problems]
        if not self.findings:
            head.append(tr("汇总文件没有审核问题。"))
        for tf in self.findings:
            head += tf.lines()
        return "\n".join(head)

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "name": self.name, "units": self.units, "unit_problems": self.unit_problems,
                "findings": [{**t.finding, "same_in_units": t.same_in, "unit_parts": t.parts} for t in self.findings]}


def _signature(finding: Finding, translate: Callable[[Cell], Cell]) -> Signature:
    return finding.rule_id, frozenset(translate(c) for c in finding.cells)


def _unit_session(path: Path, expected: str, label: str, problems: list[str]) -> Session | None:
    try:
        digest = file_sha256(path)
        session = Session.open(path, readonly=True)
    except DocumentError as exc:
        problems.append(tr("{label} 无法读取，未追溯（{exc}）", label=label, exc=exc))
        return None
    if digest != expected:
        problems.append(tr("{label} 在汇总之后被修改过，下面按它现在的内容追溯；请重新汇总", label=label))
    return session


def trace_huizong(path: Path, progress: Callable[[int, int, str], None] | None = None) -> TraceReport:
    """Every finding of the 汇总 at ``path`` with the unit files it came from."""
    session = Session.open(Path(path), readonly=True)
    try:
        prov: Provenance | None = read_provenance(session.doc.meta)
        if prov is None:
            raise HuizongError(tr("“{name}”不是汇总文件（没有汇总来源记录），无法追溯。请对汇总生成的文件使用 --trace。", name=Path(path).name))
        findings = session.findings()
        set_id = session.tset.id
        traced = [TracedFinding(finding_dict(session, f)) for f in findings]
        describer = session.engine.describer
        wanted: dict[Cell, list[tuple[int, int]]] = {c: [] for f in findings if not f.table.startswith("jixiao:")
                                                      for c in f.cells}
        captions = {c: f"{describer.table_name(c[0])} {describer.row_caption(c[0], c[1])} · "
                       f"{describer.col_caption(*c)}" for c in wanted}
    finally:
        session.close()
    signatures = {_signature(f, lambda c: c): n for n, f in enumerate(findings) if not f.table.startswith("jixiao:")}
    problems: list[str] = []
    for index, version in enumerate(prov.units):
        if progress:
            progress(index + 1, len(prov.units), version.name)
        unit = _unit_session(Path(version.file), version.sha256, version.label, problems)
        if unit is None:
            continue
        try:
            def translate(cell: Cell, i: int = index) -> Cell:
                return cell[0], prov.unit_key(cell[0], i, cell[1]), cell[2]

            for f in unit.findings():
                n = signatures.get(_signature(f, translate)) if not f.table.startswith("jixiao:") else None
                if n is not None:
                    traced[n].same_in.append(version.label)
            for cell, value in unit.engine.values.items():
                mapped = translate(cell)
                if mapped in wanted and value:
                    wanted[mapped].append((index, value))
        finally:
            unit.close()
    layouts = layout_of(set_id)
    for n, f in enumerate(findings):
        if f.table.startswith("jixiao:"):
            continue
        for cell in f.cells:
            parts = sorted(wanted[cell], key=lambda iv: -abs(iv[1]))
            lay = layouts.get(cell[0])
            decimals = lay.fixed.get(cell[1], lay.floating_columns).get(cell[2], 2) if lay else 2
            traced[n].parts.append({
                "cell": captions[cell],
                "units": [{"unit": prov.units[i].label, "value": format_amount(v, decimals=decimals)}
                          for i, v in parts[:TOP_PARTS]],
                "more": max(0, len(parts) - TOP_PARTS)})
    return TraceReport(str(path), prov.name, len(prov.units), problems, traced)
