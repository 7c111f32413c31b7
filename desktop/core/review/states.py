"""Per-table review state: 填报中 → 待审核 → 已审核 or 退回 (with the reason), and the hand-over gate."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum

from ..explain import ExplanationState, explanation_state
from ..i18n import tr
from ..rules.findings import Finding


class TableState(Enum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    RETURNED = "returned"

    @property
    def label(self) -> str:
        return {"draft": tr("填报中"), "submitted": tr("待审核"), "approved": tr("已审核"), "returned": tr("退回")}[self.value]


@dataclass(frozen=True)
class StateRecord:
    """A table's state, who set it, when, and the reason of a 退回."""

    tbl: str
    state: TableState
    who: str = ""
    at: str = ""
    reason: str = ""


def current(conn: sqlite3.Connection, tbl: str) -> StateRecord:
    rec = conn.execute("SELECT state, who, at, reason FROM review_state WHERE tbl = ?", (tbl,)).fetchone()
    if rec is None:
        return StateRecord(tbl, TableState.DRAFT)
    return StateRecord(tbl, TableState(rec[0]), rec[1], rec[2], rec[3])


def all_states(conn: sqlite3.Connection) -> dict[str, StateRecord]:
    rows = conn.execute("SELECT tbl, state, who, at, reason FROM review_state")
    return {t: StateRecord(t, TableState(s), w, a, r) for t, s, w, a, r in rows}


def history(conn: sqlite3.Connection, tbl: str | None = None) -> list[StateRecord]:
    sql = "SELECT tbl, state, who, at, reason FROM review_history"
    rows = conn.execute(sql + " WHERE tbl = ? ORDER BY id", (tbl,)) if tbl else conn.execute(sql + " ORDER BY id")
    return [StateRecord(t, TableState(s), w, a, r) for t, s, w, a, r in rows]


def write(conn: sqlite3.Connection, record: StateRecord) -> None:
    """Set the state and append it to the history (inside the caller's transaction)."""
    values = (record.tbl, record.state.value, record.who, record.at, record.reason)
    conn.execute("INSERT OR REPLACE INTO review_state(tbl, state, who, at, reason) VALUES (?, ?, ?, ?, ?)", values)
    conn.execute("INSERT INTO review_history(tbl, state, who, at, reason) VALUES (?, ?, ?, ?, ?)", values)


def blockers(findings: Iterable[Finding], explanations: Mapping[str, Mapping[str, str]]) -> list[str]:
    """Why a table cannot be handed over: each 错误, each 提示 without an 出错说明 or with a stale one."""
    out = []
    for f in findings:
        if f.severity == "error":
            out.append(tr("错误：{message}", message=f.message))
        elif f.severity == "warning":
            state = explanation_state(f, explanations)
            if state is ExplanationState.NONE:
                out.append(tr("提示未写出错说明：{message}", message=f.message))
            elif state is ExplanationState.STALE:
                out.append(tr("出错说明已过期（数字变动后未重新说明）：{message}", message=f.message))
    return out
