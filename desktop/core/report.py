"""Findings as JSON-ready dicts and as plain text, for the command line and for tests."""

from __future__ import annotations

from typing import Any

from .i18n import tr
from .money import to_plain
from .narrative.names import NARRATIVE_TABLE
from .rules.findings import SEVERITY_LABELS, Finding
from .session import Session


def finding_dict(session: Session, finding: Finding) -> dict[str, Any]:
    """One finding with rule id, severity, message, table title, cells with captions, and the figures."""
    describer = session.engine.describer
    cells = []
    for tbl, row, col in finding.cells:
        if tbl == NARRATIVE_TABLE:  # a place in the prose: (narrative, section, the clause quoted)
            cells.append({"table": tbl, "row": row, "col": col, "table_title": tr("情况说明"), "table_label": tr("第三部分"),
                          "row_caption": row, "col_caption": col})
            continue
        if tbl.startswith("jixiao:"):
            title, row_caption, col_caption = session.forms.captions((tbl, row, col))
            cells.append({"table": tbl, "row": row, "col": col, "table_title": title, "table_label": tr("绩效表"),
                          "row_caption": row_caption, "col_caption": col_caption})
            continue
        cells.append({
            "table": tbl, "row": row, "col": col,
            "table_title": describer.table_title(tbl),
            "table_label": session.tset.table(tbl).label,
            "row_caption": describer.row_caption(tbl, row),
            "col_caption": describer.col_caption(tbl, row, col),
        })
    if finding.table == NARRATIVE_TABLE:
        table_title, table_label = tr("情况说明"), tr("第三部分")
    elif finding.table.startswith("jixiao:"):
        table_title, table_label = session.forms.form(int(finding.table.split(":", 1)[1])).title, tr("绩效表")
    else:
        table = session.tset.table(finding.table)
        table_title, table_label = table.title, table.label
    out: dict[str, Any] = {
        "key": finding.key,
        "rule": finding.rule_id,
        "severity": finding.severity,
        "severity_label": SEVERITY_LABELS[finding.severity],
        "message": finding.message,
        "table": finding.table,
        "table_title": table_title,
        "table_label": table_label,
        "cells": cells,
        "left": to_plain(finding.left),
        "right": to_plain(finding.right),
        "difference": to_plain(finding.diff),
    }
    explanation = session.doc.explanations().get(finding.key)
    if explanation:
        out["explanation"] = explanation["text"]
    return out


def summary(findings: list[Finding]) -> dict[str, int]:
    counts = {"error": 0, "warning": 0, "rounding": 0}
    for f in findings:
        counts[f.severity] += 1
    return counts


def check_report(session: Session) -> dict[str, Any]:
    findings = session.findings()
    meta = session.doc.meta
    return {
        "file": str(session.doc.path),
        "set": session.tset.id,
        "unit_name": meta.get("unit_name", ""),
        "year": meta.get("year", ""),
        "money_unit": session.doc.money_unit,
        "summary": summary(findings),
        "findings": [finding_dict(session, f) for f in findings],
    }


def check_text(session: Session) -> str:
    """The findings as lines a clerk can read in a terminal."""
    findings = session.findings()
    counts = summary(findings)
    meta = session.doc.meta
    head = (
        tr("{unit} {year} · {name} · 金额单位：{money_unit}\n"
        "审核结果：错误 {error} 条，提示 {warning} 条，尾数误差 {rounding} 条", unit=meta.get('unit_name', ''), year=meta.get('year', ''), name=session.tset.name, money_unit=session.doc.money_unit, error=counts['error'], warning=counts['warning'], rounding=counts['rounding'])
    )
    lines = [head]
    for f in findings:
        lines.append(f"[{f.severity_label}] {f.message}")
    if not findings:
        lines.append(tr("全部勾稽关系均成立。"))
    return "\n".join(lines)

