"""批注: remarks on a table, a row, a cell or a finding, with reply threads and a resolved flag.

A thread is its first comment plus the replies (``parent_id`` = the first comment's id). Every write is
one committed review transaction with a change-log row (action ``review.comment`` / ``review.reply`` /
``review.resolve`` / ``review.reopen``), so it is allowed in 审阅 mode and never touches a figure.
"""

from __future__ import annotations

from msgspec import Struct, field

from ..document import Document, review_rows
from ..document.store import now_iso
from ..document.tx import Tx
from ..i18n import tr
from .errors import ReviewError


class Comment(Struct, frozen=True):
    id: int
    parent_id: int | None
    tbl: str
    row: str | None
    col: str | None
    finding: str | None
    author: str
    at: str
    text: str
    resolved_by: str | None = None
    resolved_at: str | None = None

    @property
    def kind(self) -> str:
        """``finding``, ``cell``, ``row`` or ``table``: what the comment is on."""
        if self.finding:
            return "finding"
        if self.col:
            return "cell"
        return "row" if self.row else "table"

    @property
    def cell(self) -> tuple[str, str, str] | None:
        return (self.tbl, self.row, self.col) if self.row and self.col else None


class Thread(Struct):
    """A first comment and its replies, oldest first."""

    first: Comment
    replies: list[Comment] = field(default_factory=list)

    @property
    def id(self) -> int:
        return self.first.id

    @property
    def resolved(self) -> bool:
        return self.first.resolved_by is not None

    @property
    def comments(self) -> list[Comment]:
        return [self.first, *self.replies]


def all_comments(source: Document | Tx) -> list[Comment]:
    return [Comment(*rec) for rec in review_rows.comments(source)]


def threads(source: Document | Tx, tbl: str | None = None) -> list[Thread]:
    """Every thread (of one table when ``tbl`` is given), oldest first."""
    out: dict[int, Thread] = {}
    for c in all_comments(source):
        if c.parent_id is None:
            out[c.id] = Thread(c)
        elif c.parent_id in out:
            out[c.parent_id].replies.append(c)
    return [t for t in out.values() if tbl is None or t.first.tbl == tbl]


def _clean(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ReviewError(tr("批注内容不能为空。"))
    return text


def _log(tx: Tx, at: str, who: str, action: str, c: Comment | tuple, text: str) -> None:
    tbl, row, col = (c.tbl, c.row, c.col) if isinstance(c, Comment) else c
    tx.log(at, who, action, tbl=tbl, row=row, col=col, new=text)


def add_comment(doc: Document, tbl: str, text: str, *, who: str, row: str | None = None, col: str | None = None,
                finding: str | None = None) -> int:
    """Start a thread on a table, row, cell or finding; returns its id."""
    text, at = _clean(text), now_iso()
    with doc.transaction(review=True) as tx:
        comment_id = review_rows.add_comment(tx, tbl, row, col, finding, who, at, text)
        _log(tx, at, who, "review.comment", (tbl, row, col), text)
        return comment_id


def get(doc: Document, comment_id: int) -> Comment:
    rec = review_rows.comment(doc, comment_id)
    if rec is None:
        raise ReviewError(tr("没有编号为 {comment_id} 的批注。", comment_id=comment_id))
    return Comment(*rec)


def reply(doc: Document, thread_id: int, text: str, *, who: str) -> int:
    """Reply to a thread (a reply to a reply joins the same thread); returns the reply's id."""
    first = get(doc, thread_id)
    if first.parent_id is not None:
        first = get(doc, first.parent_id)
    text, at = _clean(text), now_iso()
    with doc.transaction(review=True) as tx:
        reply_id = review_rows.add_comment(tx, first.tbl, first.row, first.col, first.finding, who, at, text,
                                           parent_id=first.id)
        _log(tx, at, who, "review.reply", first, text)
        return reply_id


def resolve(doc: Document, thread_id: int, *, who: str, resolved: bool = True) -> None:
    """Mark a thread resolved (or open it again)."""
    first = get(doc, thread_id)
    if first.parent_id is not None:
        first = get(doc, first.parent_id)
    at = now_iso()
    with doc.transaction(review=True) as tx:
        review_rows.set_resolved(tx, first.id, who if resolved else None, at if resolved else None)
        _log(tx, at, who, "review.resolve" if resolved else "review.reopen", first, first.text)
