"""The review API of an open document (``Session.review``): comments, table states, signed seals.

Every action is one committed review transaction with a change-log row carrying ``who``; none of them
changes a figure, so all are allowed in 审阅 mode. Refusals raise :class:`ReviewError` in Chinese. Who may
do what (separation of duties) is decided in :mod:`.duties`, here in the core, so the window and the
command line obey the same rules; the figures of a 待审核 or 已审核 table are locked
(:meth:`ReviewBook.lock_message`, asked by the Session before every edit).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..document import log_rows, seal_rows
from ..document.store import now_iso
from ..i18n import tr
from ..money import format_amount
from . import comments as cm
from . import duties, keys, signing
from . import seal as sl
from . import states as st
from .errors import ReviewError
from .states import StateRecord, TableState

if TYPE_CHECKING:
    from ..session import Session

MAX_LISTED = 8
WITHDRAWN = "提交人撤回提交"  # stored in the document as the reason of the state change


class ReviewBook:
    """Comments, states and seals of one session's document."""

    def __init__(self, session: Session) -> None:
        self.session = session

    @property
    def doc(self):  # noqa: ANN201 - Document
        return self.session.doc

    # -- naming ---------------------------------------------------------------------------------
    def table_name(self, tbl: str) -> str:
        if tbl.startswith(sl.FORM_PREFIX):
            try:
                return tr("绩效表《{title}》", title=self.session.forms.form(int(tbl[len(sl.FORM_PREFIX):])).title)
            except ValueError:
                return tr("绩效表")
        return self.session.engine.describer.table_name(tbl)

    def place(self, tbl: str, row: str | None, col: str | None, *, short: bool = False) -> str:
        """“公开03表《…》 2101501 … · 基本支出” for a cell, the row or the table alone (``short``: “公开03表 …”)."""
        name = self.table_name(tbl)
        if short and not tbl.startswith(sl.FORM_PREFIX) and self.session.tset.table(tbl).label:
            name = self.session.tset.table(tbl).label
        if row is None or tbl.startswith(sl.FORM_PREFIX):
            return name if row is None else f"{name} {row}{' · ' + col if col else ''}"
        describer = self.session.engine.describer
        if col is None:
            return f"{name} {describer.row_caption(tbl, row)}"
        return f"{name} {describer.row_caption(tbl, row)} · {describer.col_caption(tbl, row, col)}"

    def figure_editors(self) -> list[str]:
        """Who entered or changed figures in this file, most recent first (review actions not counted)."""
        return log_rows.editors(self.doc)

    # -- comments -------------------------------------------------------------------------------
    def threads(self, tbl: str | None = None) -> list[cm.Thread]:
        return cm.threads(self.doc, tbl)

    def open_threads(self, tbl: str | None = None) -> list[cm.Thread]:
        return [t for t in self.threads(tbl) if not t.resolved]

    def comment(self, tbl: str, text: str, *, who: str, row: str | None = None, col: str | None = None,
                finding: str | None = None) -> int:
        """A new thread on a table, a row, a cell or (``finding`` = its key) a finding."""
        self._known_table(tbl)
        return cm.add_comment(self.doc, tbl, text, who=who, row=row, col=col, finding=finding)

    def reply(self, thread_id: int, text: str, *, who: str) -> int:
        return cm.reply(self.doc, thread_id, text, who=who)

    def resolve(self, thread_id: int, *, who: str, resolved: bool = True) -> None:
        cm.resolve(self.doc, thread_id, who=who, resolved=resolved)

    # -- states ---------------------------------------------------------------------------------
    def state(self, tbl: str) -> StateRecord:
        return st.current(self.doc, tbl)

    def states(self) -> dict[str, StateRecord]:
        return st.all_states(self.doc)

    def history(self, tbl: str | None = None) -> list[StateRecord]:
        return st.history(self.doc, tbl)

    def blockers(self, tbl: str) -> list[str]:
        """Why ``tbl`` cannot be sent for review (or signed): 错误, unexplained or stale-explained 提示 of
        the table or of a relation that reads one of its cells (公开03表 against 公开01表 blocks both)."""
        findings = [f for f in self.session.findings() if f.table == tbl or any(c[0] == tbl for c in f.cells)]
        return st.blockers(findings, self.doc.explanations())

    def submit(self, tbl: str, *, who: str) -> StateRecord:
        """提交审核 (the 填报人 side only): 填报中 or 退回 (or an 已审核 table whose seal is broken) → 待审核."""
        duties.require_submitter(self, tbl, who)
        now = self.state(tbl)
        broken = now.state is TableState.APPROVED and not self.seal_intact(tbl)
        if now.state not in (TableState.DRAFT, TableState.RETURNED) and not broken:
            raise ReviewError(tr("{table_name} 当前为“{label}”，不能再提交审核。", table_name=self.table_name(tbl), label=now.state.label))
        self._gate(tbl, tr("提交审核"))
        return self._set(tbl, TableState.SUBMITTED, who, "")

    def withdraw(self, tbl: str, *, who: str) -> StateRecord:
        """撤回提交: the submitter takes a 待审核 table back (→ 填报中) to change its figures."""
        now = self.state(tbl)
        if now.state is not TableState.SUBMITTED:
            raise ReviewError(tr("{table_name} 当前为“{label}”，只有待审核的表可以撤回提交。", table_name=self.table_name(tbl), label=now.state.label))
        if who != now.who:
            raise ReviewError(tr("{table_name} 由 {who} 提交，只有提交人本人可以撤回提交；"
                              "审核人如认为需要修改，请用“退回”并写明原因。", table_name=self.table_name(tbl), who=now.who))
        return self._set(tbl, TableState.DRAFT, who, WITHDRAWN)

    def approve(self, tbl: str, *, who: str) -> StateRecord:
        """审核通过: 待审核 (or 已审核 with a broken seal) → 已审核, sealing and signing the current figures
        with ``who``'s key; refused to the submitter and to anyone who changed the figures since the last
        approval."""
        self.check_approve(tbl, who=who)
        key = keys.signing_key(who)
        return self._set(tbl, TableState.APPROVED, who, "", sign_with=key)

    def check_approve(self, tbl: str, *, who: str) -> None:
        """Raise :class:`ReviewError` when ``who`` may not approve ``tbl`` now (asked before confirming)."""
        now = self.state(tbl)
        broken = now.state is TableState.APPROVED and not self.seal_intact(tbl)
        if now.state is not TableState.SUBMITTED and not broken:
            raise ReviewError(tr("{table_name} 当前为“{label}”，只有待审核的表才能审核通过。", table_name=self.table_name(tbl), label=now.state.label))
        duties.require_approver(self, tbl, who)
        self._gate(tbl, tr("审核通过"))

    def send_back(self, tbl: str, reason: str, *, who: str) -> StateRecord:
        """退回 with the reason: from 待审核 or 已审核 (the seal is removed); not by the submitter."""
        reason = (reason or "").strip()
        if not reason:
            raise ReviewError(tr("退回时请写明原因。"))
        now = self.state(tbl)
        if now.state not in (TableState.SUBMITTED, TableState.APPROVED):
            raise ReviewError(tr("{table_name} 当前为“{label}”，只有待审核或已审核的表可以退回。", table_name=self.table_name(tbl), label=now.state.label))
        duties.require_returner(self, tbl, who)
        return self._set(tbl, TableState.RETURNED, who, reason)

    def approval_summary(self, tbl: str, *, who: str) -> list[str]:
        """What 审核通过 would sign, in words (the GUI's confirmation lists it)."""
        return duties.approval_summary(self, tbl, who)

    # -- locks ----------------------------------------------------------------------------------
    def lock_message(self, tables: Iterable[str]) -> str | None:
        """Why figures of one of ``tables`` may not change now (待审核 or 已审核), or None."""
        states = self.states()
        for tbl in sorted(set(tables)):
            record = states.get(tbl)
            if record is None:
                continue
            if record.state is TableState.SUBMITTED:
                return (tr("{table_name} 已由 {who} 提交审核（待审核），数字已锁定，不能修改。"
                        "如需修改，请提交人 {who} 先“撤回提交”，或请审核人“退回”。", table_name=self.table_name(tbl), who=record.who))
            if record.state is TableState.APPROVED:
                return (tr("{table_name} 已由 {who} 审核通过（已审核），数字已锁定，不能修改。"
                        "如需修改，请审核人先“退回”并写明原因。", table_name=self.table_name(tbl), who=record.who))
        return None

    def _gate(self, tbl: str, what: str) -> None:
        problems = self.blockers(tbl)
        if problems:
            listed = "\n".join(f"  - {p}" for p in problems[:MAX_LISTED])
            more = tr("\n  … 另有 {count} 条", count=len(problems) - MAX_LISTED) if len(problems) > MAX_LISTED else ""
            raise ReviewError(tr("{table_name} 不能{what}：错误须改正，提示须写出错说明"
                              "（共 {problems_count} 条）：\n{listed}{more}", table_name=self.table_name(tbl), what=what, problems_count=len(problems), listed=listed, more=more))

    def _set(self, tbl: str, state: TableState, who: str, reason: str,
             sign_with: keys.SigningKey | None = None) -> StateRecord:
        self._known_table(tbl)
        at = now_iso()
        record = StateRecord(tbl, state, who, at, reason)
        with self.doc.transaction(review=True) as tx:
            st.write(tx, record)
            seal_rows.drop_seal(tx, tbl)
            head = tx.log(at, who, f"review.{state.value}", tbl=tbl, new=reason or state.label)
            if sign_with is not None:
                seal = sl.write(tx, tbl, who, at)
                signing.sign(tx, seal, head, sign_with)
        return record

    def _known_table(self, tbl: str) -> None:
        if tbl.startswith(sl.FORM_PREFIX):
            ids = {f.id for f in self.session.forms.forms()}
            if int(tbl[len(sl.FORM_PREFIX):]) not in ids:
                raise ReviewError(tr("文档中没有这张绩效表（{tbl}）。", tbl=tbl))
        elif not self.session.tset.has_table(tbl):
            raise ReviewError(tr("没有表 {tbl}", tbl=tbl))

    # -- seals ----------------------------------------------------------------------------------
    def seal(self, tbl: str) -> sl.Seal | None:
        return sl.read(self.doc, tbl)

    def seal_check(self, tbl: str) -> sl.SealCheck | None:
        """None when the table is not sealed; else whether the seal holds and what changed since."""
        seal = self.seal(tbl)
        return sl.check(self.doc, seal) if seal else None

    def seal_intact(self, tbl: str) -> bool:
        check = self.seal_check(tbl)
        return check is not None and check.intact

    def verify(self, *, record: bool = True) -> signing.Verification:
        """Verify the change-log chain and the signature of every 已审核 table (see :mod:`.signing`);
        ``record``: remember signers' keys seen for the first time on this computer."""
        approved = {t: r.who for t, r in self.states().items() if r.state is TableState.APPROVED}
        return signing.verify_document(self.doc, approved, record=record)

    def broken_seals(self) -> dict[str, sl.SealCheck]:
        checks = {t: self.seal_check(t) for t in self.states()}
        return {t: c for t, c in checks.items() if c is not None and not c.intact}

    def split_changes(self, check: sl.SealCheck) -> tuple[list[sl.SealChange], list[sl.SealChange]]:
        """(figures typed or pasted, and 科目 rows; totals that followed them) of a broken seal."""
        typed, totals = [], []
        for c in check.changes:
            derived = c.col is not None and not c.tbl.startswith(sl.FORM_PREFIX) and \
                self.session.engine.is_derived((c.tbl, c.row, c.col))
            (totals if derived else typed).append(c)
        return typed, totals

    def change_text(self, change: sl.SealChange, *, with_table: bool = True) -> str:
        """One changed figure in words: place, sealed → now, and who changed it when."""
        def show(v: str | None) -> str:
            if v is None:
                return tr("空")
            if v.startswith("'"):
                return v[1:]
            if change.col is None or change.tbl.startswith(sl.FORM_PREFIX):
                return v
            try:
                decimals = self.session.cell_info((change.tbl, change.row, change.col)).column.decimals
            except ValueError:
                decimals = 2
            return format_amount(int(v), decimals=decimals)
        if change.col is None and not change.tbl.startswith(sl.FORM_PREFIX):
            name = change.now or change.sealed or ""
            what = (tr("增加科目行 {row} {name}", row=change.row, name=name) if change.sealed is None
                    else tr("删除科目行 {row} {name}", row=change.row, name=name))
            text = f"{self.table_name(change.tbl)} {what.strip()}" if with_table else what.strip()
        else:
            where = self.place(change.tbl, change.row, change.col)
            if not with_table:
                where = where[len(self.table_name(change.tbl)):].strip()
            text = f"{where}：{show(change.sealed)} → {show(change.now)}"
        if change.entries:
            unsigned = tr("（未署名）")
            by = dict.fromkeys(f"{who or unsigned} {at.replace('T', ' ').rstrip('Z')[:16]}"
                               for at, who, *_ in change.entries)
            text += tr("（{by} 修改）", by='、'.join(by))
        return text
