"""Per-table review state: 填报中 → 待审核 → 已审核 or 退回 (with the reason), and the hand-over gate."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import Enum

from msgspec import Struct

from ..document import Document, review_rows
from ..document.review_rows import StateRow
from ..document.tx import Tx
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


class StateRecord(Struct, frozen=True):
    """A table's state, who set it, when, and the reason of a 退回."""

    tbl: str
    state: TableState
    who: str = ""
    at: str = ""
    reason: str = ""


def _record(row: StateRow) -> StateRecord:
    return StateRecord(row.tbl, TableState(row.state), row.who, row.at, row.reason)


def current(source: Document | Tx, tbl: str) -> StateRecord:
    row = review_rows.state(source, tbl)
    return StateRecord(tbl, TableState.DRAFT) if row is None else _record(row)


def all_states(source: Document | Tx) -> dict[str, StateRecord]:
    return {row.tbl: _record(row) for row in review_rows.states(source)}


def history(source: Document | Tx, tbl: str | None = None) -> list[StateRecord]:
    return [_record(row) for row in review_rows.history(source, tbl)]


def write(tx: Tx, record: StateRecord) -> None:
    """Set the state and append it to the history (inside the caller's transaction)."""
    review_rows.write_state(tx, StateRow(record.tbl, record.state.value, record.who, record.at, record.reason))


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
