"""Separation of duties: who may submit, approve or send back a table (decided here, for CLI and GUI alike).

- 提交审核 is the 填报人 side's: not in 审阅 mode, and not by someone who reviewed (approved or sent
  back) this table before.
- 审核通过 needs a second person: neither the submitter nor anyone who changed the table's figures since
  its last approval (both read from the change log, whose chain the signature covers).
- 退回 is the reviewer's: the submitter takes a table back with 撤回提交 instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..document import Document, log_rows
from ..document.tx import Tx
from ..i18n import tr
from . import keys
from . import seal as sl
from .errors import ReviewError
from .states import TableState

if TYPE_CHECKING:
    from .book import ReviewBook

REVIEW_ACTIONS = ("review.approved", "review.returned")


def last_approval_id(source: Document | Tx, tbl: str) -> int:
    """The change-log id of the table's last 审核通过 (0: never approved)."""
    return log_rows.last_action_id(source, tbl, "review.approved")


def editors_since_approval(source: Document | Tx, tbl: str) -> list[str]:
    """Who changed the table's figures (or rows) since its last approval, most recent first."""
    return log_rows.table_editors(source, tbl, last_approval_id(source, tbl))


def reviewers_of(source: Document | Tx, tbl: str) -> set[str]:
    """Who approved or sent back this table at some time."""
    return log_rows.actors(source, tbl, REVIEW_ACTIONS)


def _named(who: str, what: str) -> None:
    if not (who or "").strip():
        raise ReviewError(tr("没有填写姓名，不能{what}。请先在“设置”中填写姓名（命令行：设置环境变量 GONGKAI_USER）。", what=what))


def require_submitter(book: ReviewBook, tbl: str, who: str) -> None:
    _named(who, tr("提交审核"))
    book._known_table(tbl)
    if book.session.review_mode:
        raise ReviewError(tr("审阅模式下不能提交审核：提交审核是填报人的事。审核人可以写批注、审核通过或退回。"))
    if who in reviewers_of(book.doc, tbl):
        raise ReviewError(tr("{who} 审核过{table_name}，不能替填报人提交审核；请填报人本人提交。", who=who, table_name=book.table_name(tbl)))


def require_approver(book: ReviewBook, tbl: str, who: str) -> None:
    _named(who, tr("审核通过"))
    record = book.state(tbl)
    if record.state is TableState.SUBMITTED and record.who == who:
        raise ReviewError(tr("{table_name} 是 {who} 本人提交的，不能自己审核通过；请另一位审核人审核。", table_name=book.table_name(tbl), who=who))
    editors = editors_since_approval(book.doc, tbl)
    if who in editors:
        raise ReviewError(tr("{who} 在上次审核后修改过{table_name}的数字，不能审核通过自己改过的表；"
                          "请另一位审核人审核。", who=who, table_name=book.table_name(tbl)))


def require_returner(book: ReviewBook, tbl: str, who: str) -> None:
    _named(who, tr("退回"))
    record = book.state(tbl)
    submitter = record.who if record.state is TableState.SUBMITTED else log_rows.last_actor(book.doc, tbl, "review.submitted")
    if submitter == who:
        raise ReviewError(tr("{table_name} 是 {who} 本人提交的，不能自己退回；", table_name=book.table_name(tbl), who=who)
                          + (tr("如需修改，请用“撤回提交”。") if record.state is TableState.SUBMITTED
                             else tr("如需修改，请审核人退回。")))


def approval_summary(book: ReviewBook, tbl: str, who: str) -> list[str]:
    """The lines of the confirmation before 审核通过: what is signed, by whom, with which key."""
    figures = sl.figures(book.doc, tbl)
    amounts = sum(1 for k in figures if not k.startswith("row:"))
    rows = sum(1 for k in figures if k.startswith("row:"))
    record = book.state(tbl)
    head = log_rows.head(book.doc)
    threads = book.open_threads(tbl)
    lines = [tr("表：{table_name}", table_name=book.table_name(tbl)),
             tr("数字：{amounts} 个单元格", amounts=amounts) + (tr("、{rows} 个科目行", rows=rows) if rows else "") + tr("（签章后任何改动都会被发现）"),
             tr("提交人：{submitter}；审核人（签章人）：{who}", submitter=record.who or tr("（无）"), who=who),
             tr("修改记录：到第 {last} 条为止的全部 {count} 条（含本次审核通过），签章后不能再改写", last=head.last_id + 1, count=head.count + 1),
             tr("签章密钥：{who} 在本机的密钥，指纹 {fingerprint}", who=who, fingerprint=keys.fingerprint(keys.signing_key(who).public_hex))]
    if threads:
        lines.append(tr("注意：本表还有 {threads_count} 条未解决的批注", threads_count=len(threads)))
    return lines
