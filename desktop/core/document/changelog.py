"""The change log: the only writer of ``change_log`` rows, and the check of their hash chain.

Every row has a chain value (table ``change_chain``, same id) ``sha256(previous value + canonical row)``, where the canonical row is the JSON
array ``[id, at, who, action, tbl, row, col, old, new]``. Rewriting, deleting, inserting or reordering any
row changes every value after it, so a row changed with a SQLite tool shows as a break in the chain (the
chain alone proves consistency, not authorship: anyone can recompute it; a 审核通过 signature over the
head is what fixes the history up to that moment, see :mod:`desktop.core.review.signing`).

Rows written before schema version 4 have no chain value ("pre-chain"). They may only come first; the running
value passes through them, so the first chained row covers them all from then on.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable

from msgspec import Struct

from ..digest import sha256
from ..i18n import tr

LOG_COLUMNS = ("at", "who", "action", "tbl", "row", "col", "old", "new")


class Entry(Struct, frozen=True):
    """One change-log row to write (``id`` and ``hash`` are given by :func:`append`)."""

    at: str
    who: str
    action: str
    tbl: str | None = None
    row: str | None = None
    col: str | None = None
    old: str | None = None
    new: str | None = None


class ChainCheck(Struct, frozen=True):
    """Whether the chain holds; ``head`` is (id, hash) of the last row; ``broken_at`` the first bad row."""

    ok: bool
    rows: int
    pre_chain: int
    head: tuple[int, str] | None
    broken_at: int | None = None
    problem: str = ""


def canonical(rec_id: int, values: Iterable[object]) -> str:
    """The text that is hashed for one row: its id and its eight values, as a JSON array."""
    return json.dumps([rec_id, *values], ensure_ascii=False, separators=(",", ":"))


def link(previous: str, rec_id: int, values: Iterable[object]) -> str:
    return sha256((previous + canonical(rec_id, values)).encode("utf-8")).hexdigest()


def _running_head(conn: sqlite3.Connection) -> tuple[int, str]:
    """(last id, running value) to continue the chain from: the last row's hash, or the value through
    the pre-chain rows when the last row has none."""
    last = conn.execute("SELECT l.id, c.hash FROM change_log l LEFT JOIN change_chain c ON c.id = l.id "
                        "ORDER BY l.id DESC LIMIT 1").fetchone()
    if last is None:
        return 0, ""
    if last[1] is not None:
        return int(last[0]), str(last[1])
    running = ""
    for rec in conn.execute(f"SELECT id, {', '.join(LOG_COLUMNS)} FROM change_log ORDER BY id"):
        running = link(running, rec[0], rec[1:])
    return int(last[0]), running


def append(conn: sqlite3.Connection, entries: Iterable[Entry]) -> tuple[int, str] | None:
    """Write ``entries`` in order (inside the caller's transaction); returns (id, hash) of the last one."""
    rec_id, running = None, ""
    head = None
    for e in entries:
        if rec_id is None:
            rec_id, running = _running_head(conn)
        rec_id += 1
        values = (e.at, e.who, e.action, e.tbl, e.row, e.col, e.old, e.new)
        running = link(running, rec_id, values)
        conn.execute(f"INSERT INTO change_log(id, {', '.join(LOG_COLUMNS)}) VALUES ({', '.join('?' * 9)})",
                     (rec_id, *values))
        conn.execute("INSERT INTO change_chain(id, hash) VALUES (?, ?)", (rec_id, running))
        head = (rec_id, running)
    return head


def log(conn: sqlite3.Connection, at: str, who: str, action: str, **where: str | None) -> tuple[int, str]:
    """Append one row; ``where`` holds tbl, row, col, old and new."""
    head = append(conn, [Entry(at, who, action, **where)])
    assert head is not None
    return head


def verify(conn: sqlite3.Connection) -> ChainCheck:
    """Walk the whole log and say whether every chain value is what its row and its predecessor give."""
    running, seen_chained, count, pre = "", False, 0, 0
    head: tuple[int, str] | None = None
    orphan = conn.execute("SELECT MIN(id) FROM change_chain WHERE id NOT IN (SELECT id FROM change_log)").fetchone()[0]
    if orphan is not None:
        return ChainCheck(False, 0, 0, None, int(orphan), tr("第 {orphan} 条修改记录被删除了（它的链值还在）", orphan=orphan))
    cols = ", ".join(f"l.{c}" for c in LOG_COLUMNS)
    for rec in conn.execute(f"SELECT l.id, {cols}, c.hash FROM change_log l LEFT JOIN change_chain c ON c.id = l.id "
                            "ORDER BY l.id"):
        rec_id, values, stored = rec[0], rec[1:9], rec[9]
        count += 1
        running = link(running, rec_id, values)
        if stored is None:
            if seen_chained:
                return ChainCheck(False, count, pre, head, rec_id, tr("第 {rec_id} 条修改记录没有链值（在有链值的记录之后）",
                                                                      rec_id=rec_id))
            pre += 1
            continue
        seen_chained = True
        if stored != running:
            return ChainCheck(False, count, pre, head, rec_id,
                              tr("第 {rec_id} 条修改记录（或它之前的记录）被改动、删除或插入过", rec_id=rec_id))
        head = (rec_id, running)
    return ChainCheck(True, count, pre, head)


def value_at(conn: sqlite3.Connection, rec_id: int) -> str | None:
    """The stored chain value of row ``rec_id`` (None when the row is missing or pre-chain)."""
    rec = conn.execute("SELECT hash FROM change_chain WHERE id = ?", (rec_id,)).fetchone()
    return rec[0] if rec else None
