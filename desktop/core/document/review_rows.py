"""The rows of review and hand-over (tables review_comment, review_state and review_history of migration
0003): 批注 with their threads and per-table states with their history. The review room (desktop.core.review)
decides who may do what; this module reads and writes the rows, each write logged with the caller's entry."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple

from .seal_rows import SealRow, put_seal
from .store import Document
from .tx import Tx, _connection

COMMENT_FIELDS = ("id", "parent_id", "tbl", "row", "col", "finding", "author", "at", "text", "resolved_by",
                  "resolved_at")
_COMMENT_COLUMNS = ", ".join(COMMENT_FIELDS)
STATE_FIELDS = ("tbl", "state", "who", "at", "reason")


class CommentRow(NamedTuple):
    id: int
    parent_id: int | None
    tbl: str
    row: str | None
    col: str | None
    finding: str | None
    author: str
    at: str
    text: str
    resolved_by: str | None
    resolved_at: str | None


class StateRow(NamedTuple):
    """A table's review state as stored (``state``: draft, submitted, approved or returned)."""

    tbl: str
    state: str
    who: str
    at: str
    reason: str


# -- comments -------------------------------------------------------------------------------------
def comments(source: Document | Tx) -> list[CommentRow]:
    """Every comment, oldest first."""
    return [CommentRow(*r) for r in _connection(source).execute(f"SELECT {_COMMENT_COLUMNS} FROM review_comment ORDER BY id")]


def comment(source: Document | Tx, comment_id: int) -> CommentRow | None:
    rec = _connection(source).execute(f"SELECT {_COMMENT_COLUMNS} FROM review_comment WHERE id = ?",
                                      (comment_id,)).fetchone()
    return CommentRow(*rec) if rec else None


def add_comment(tx: Tx, tbl: str, row: str | None, col: str | None, finding: str | None, author: str, at: str,
                text: str, parent_id: int | None = None) -> int:
    """Store a comment (a reply when ``parent_id`` is given); returns its id."""
    cur = _connection(tx).execute(
        "INSERT INTO review_comment(parent_id, tbl, row, col, finding, author, at, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (parent_id, tbl, row, col, finding, author, at, text))
    return int(cur.lastrowid or 0)


def set_resolved(tx: Tx, comment_id: int, who: str | None, at: str | None) -> None:
    """Mark a thread's first comment resolved by ``who`` at ``at`` (None, None: open again)."""
    _connection(tx).execute("UPDATE review_comment SET resolved_by = ?, resolved_at = ? WHERE id = ?",
                            (who, at, comment_id))


# -- states ---------------------------------------------------------------------------------------
def state(source: Document | Tx, tbl: str) -> StateRow | None:
    rec = _connection(source).execute("SELECT tbl, state, who, at, reason FROM review_state WHERE tbl = ?",
                                      (tbl,)).fetchone()
    return StateRow(*rec) if rec else None


def states(source: Document | Tx) -> list[StateRow]:
    """Every table's current state, by table."""
    return [StateRow(*r) for r in _connection(source).execute(
        "SELECT tbl, state, who, at, reason FROM review_state ORDER BY tbl")]


def history(source: Document | Tx, tbl: str | None = None) -> list[StateRow]:
    """Every state change (of one table when ``tbl`` is given), oldest first."""
    sql = "SELECT tbl, state, who, at, reason FROM review_history"
    conn = _connection(source)
    rows = conn.execute(sql + " WHERE tbl = ? ORDER BY id", (tbl,)) if tbl else conn.execute(sql + " ORDER BY id")
    return [StateRow(*r) for r in rows]


def write_state(tx: Tx, record: StateRow) -> None:
    """Set a table's state and append it to the history."""
    conn = _connection(tx)
    conn.execute("INSERT OR REPLACE INTO review_state(tbl, state, who, at, reason) VALUES (?, ?, ?, ?, ?)", record)
    conn.execute("INSERT INTO review_history(tbl, state, who, at, reason) VALUES (?, ?, ?, ?, ?)", record)


# -- the file as a whole --------------------------------------------------------------------------
def record_count(source: Document | Tx) -> int:
    """How many review records (comments, states) and 出错说明 the file holds."""
    conn = _connection(source)
    return sum(int(conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0])
               for t in ("review_comment", "review_state", "explanation"))


def load(tx: Tx, comment_rows: Iterable[Sequence[object]], state_rows: Iterable[Sequence[object]],
         history_rows: Iterable[Sequence[object]], seals: Iterable[SealRow]) -> None:
    """Write review records read from a dump into a fresh document (comments with every field)."""
    conn = _connection(tx)
    conn.executemany(f"INSERT INTO review_comment({_COMMENT_COLUMNS}) VALUES ({', '.join('?' * len(COMMENT_FIELDS))})",
                     comment_rows)
    conn.executemany("INSERT INTO review_state(tbl, state, who, at, reason) VALUES (?, ?, ?, ?, ?)", state_rows)
    conn.executemany("INSERT INTO review_history(tbl, state, who, at, reason) VALUES (?, ?, ?, ?, ?)", history_rows)
    for seal in seals:
        put_seal(tx, seal)
