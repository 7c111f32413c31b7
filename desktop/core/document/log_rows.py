"""Questions asked of the change log (table change_log): who edited a table since when, who submitted and
approved it, what was written after a given row. Writing the log is :mod:`.changelog`'s job alone.

Review actions are the rows whose action starts with ``review.``; every other row changed figures, rows,
forms or texts.
"""

from __future__ import annotations

from msgspec import Struct

from . import changelog
from .store import Document
from .tx import Tx, _connection

LOG_FIELDS = ("id", "at", "who", "action", "tbl", "row", "col", "old", "new")


class LogHead(Struct, frozen=True):
    """How many rows the log has and its newest row (id, at, who, action; None when the log is empty)."""

    count: int
    last_id: int
    last: tuple[int, str, str, str] | None


def head(source: Document | Tx) -> LogHead:
    conn = _connection(source)
    count, last_id = conn.execute("SELECT COUNT(*), COALESCE(MAX(id), 0) FROM change_log").fetchone()
    last = conn.execute("SELECT id, at, who, action FROM change_log ORDER BY id DESC LIMIT 1").fetchone()
    return LogHead(int(count), int(last_id), tuple(last) if last else None)  # type: ignore[arg-type]


def verify_chain(source: Document | Tx) -> changelog.ChainCheck:
    """Whether every row's chain value is what its row and its predecessor give (see :mod:`.changelog`)."""
    return changelog.verify(_connection(source))


def chain_value(source: Document | Tx, rec_id: int) -> str | None:
    """The stored chain value of row ``rec_id`` (None when the row is missing or pre-chain)."""
    return changelog.value_at(_connection(source), rec_id)


def last_id(source: Document | Tx) -> int:
    """The id of the newest row (0 for an empty log)."""
    return int(_connection(source).execute("SELECT COALESCE(MAX(id), 0) FROM change_log").fetchone()[0])


def rows_after(source: Document | Tx, after_id: int) -> list[dict[str, str | int | None]]:
    """Every row after ``after_id``, oldest first, as {id, at, who, action, tbl, row, col, old, new}."""
    rows = _connection(source).execute(
        f"SELECT {', '.join(LOG_FIELDS)} FROM change_log WHERE id > ? ORDER BY id", (int(after_id),))
    return [dict(zip(LOG_FIELDS, r, strict=True)) for r in rows]


def figure_edits_since(source: Document | Tx, tbl: str, after_id: int) -> list[tuple[str, str | None, str, str, str,
                                                                                     str | None, str | None]]:
    """The non-review rows of ``tbl`` after ``after_id``, oldest first: (row, col, at, who, action, old, new)."""
    return list(_connection(source).execute(
        "SELECT row, col, at, who, action, old, new FROM change_log WHERE id > ? AND tbl = ? "
        "AND action NOT LIKE 'review.%' ORDER BY id", (after_id, tbl)))


def editors(source: Document | Tx) -> list[str]:
    """Who entered or changed anything but review records, most recent first (unnamed rows left out)."""
    rows = _connection(source).execute("SELECT who FROM change_log WHERE who <> '' AND action NOT LIKE 'review.%' "
                                       "GROUP BY who ORDER BY MAX(id) DESC")
    return [w for (w,) in rows]


def table_editors(source: Document | Tx, tbl: str, after_id: int) -> list[str]:
    """Who changed ``tbl`` (review actions not counted) after row ``after_id``, most recent first."""
    rows = _connection(source).execute("SELECT who FROM change_log WHERE tbl = ? AND id > ? AND action NOT LIKE "
                                       "'review.%' GROUP BY who ORDER BY MAX(id) DESC", (tbl, after_id))
    return [w for (w,) in rows]


def edits_by(source: Document | Tx, tbl: str, who: str, after_id: int, before_id: int) -> int:
    """How many non-review rows of ``tbl`` by ``who`` lie strictly between the two ids."""
    return int(_connection(source).execute(
        "SELECT COUNT(*) FROM change_log WHERE tbl = ? AND who = ? AND id > ? AND id < ? "
        "AND action NOT LIKE 'review.%'", (tbl, who, after_id, before_id)).fetchone()[0])


def last_action_id(source: Document | Tx, tbl: str, action: str, before_id: int | None = None) -> int:
    """The id of the last row of ``tbl`` with ``action`` (before ``before_id`` when given); 0 when none."""
    sql = "SELECT COALESCE(MAX(id), 0) FROM change_log WHERE tbl = ? AND action = ?"
    args: tuple[object, ...] = (tbl, action)
    if before_id is not None:
        sql, args = sql + " AND id < ?", (*args, before_id)
    return int(_connection(source).execute(sql, args).fetchone()[0])


def last_actor(source: Document | Tx, tbl: str, action: str, before_id: int | None = None) -> str | None:
    """Who wrote the last row of ``tbl`` with ``action`` (before ``before_id`` when given)."""
    sql = "SELECT who FROM change_log WHERE tbl = ? AND action = ?"
    args: tuple[object, ...] = (tbl, action)
    if before_id is not None:
        sql, args = sql + " AND id < ?", (*args, before_id)
    rec = _connection(source).execute(sql + " ORDER BY id DESC LIMIT 1", args).fetchone()
    return rec[0] if rec else None


def actors(source: Document | Tx, tbl: str, actions: tuple[str, ...]) -> set[str]:
    """Everyone who wrote a row of ``tbl`` with one of ``actions``."""
    marks = ", ".join("?" * len(actions))
    rows = _connection(source).execute(f"SELECT DISTINCT who FROM change_log WHERE tbl = ? AND action IN ({marks})",
                                       (tbl, *actions))
    return {w for (w,) in rows}
