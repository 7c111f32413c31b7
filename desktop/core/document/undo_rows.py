"""The undo history in the file (table ``undo_step``, schema version 7): capture, record, revert, merge.

Capture: temporary triggers (in the connection's ``temp`` schema, never in the file) note the image of
every row an edit inserts, updates or deletes in the document's own tables (figures, 科目 rows, 出错说明,
绩效 forms, 情况说明, 上年数). When the edit's transaction commits, :class:`Recorder` folds those notes into
one step: each row changed, as it was before and after, as JSON. Recording a step deletes the steps that
were undone (a new edit clears redo) and keeps the last :data:`KEEP_STEPS`.

Revert: undo writes each row's before image back (redo its after image) in one transaction, after checking
that every row still holds what the step left, so nothing changed since is overwritten; the caller's
change-log rows and the step's new state are written in the same transaction. A step that does not parse,
does not fit the tables or would store what the file may not hold is refused in Chinese, changing nothing.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

from msgspec import Struct

from ..i18n import tr
from . import changelog
from .changelog import Entry
from .errors import DocumentError
from .tx import _connection
from .validate import rows_problem

if TYPE_CHECKING:
    from .store import Document

CAPTURED = ("cell", "float_row", "explanation", "jx_form", "jx_field", "jx_indicator", "jx_indicator_cell",
            "narrative_section", "prior_figure")
KEEP_STEPS = 100
FORMAT = 1
DONE, UNDONE = "done", "undone"

Scalar = int | str | None
Image = dict[str, Scalar]
Labeller = Callable[[str | None, str | None, int], str]  # (first log action, its tbl, rows changed) -> label


class Shape(Struct, frozen=True):
    """The columns of a captured table and those of its primary key."""

    columns: tuple[str, ...]
    key: tuple[str, ...]


class RowChange(Struct, frozen=True):
    """One row of a document table changed by a step: ``before``/``after`` None when it did not exist."""

    table: str
    key: tuple[Scalar, ...]
    before: Image | None
    after: Image | None


class Step(Struct, frozen=True):
    """One stored step (``rows``: its JSON, read with :func:`changes_of`)."""

    id: int
    at: str
    who: str
    label: str
    state: str
    log_from: int
    log_to: int
    rows: str


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _json_array(prefix: str, columns: Iterable[str]) -> str:
    return f"json_array({', '.join(f'{prefix}.{_quote(c)}' for c in columns)})"


def shapes(conn: sqlite3.Connection) -> dict[str, Shape]:
    """The captured tables this file has, with their columns and primary keys (one query)."""
    columns: dict[str, list[tuple[int, int, str]]] = {}
    for table, cid, name, pk in conn.execute(
            "SELECT m.name, p.cid, p.name, p.pk FROM main.sqlite_master m JOIN pragma_table_info(m.name, 'main') p "
            f"WHERE m.type = 'table' AND m.name IN ({', '.join('?' * len(CAPTURED))})", CAPTURED):
        columns.setdefault(table, []).append((cid, pk, name))
    out: dict[str, Shape] = {}
    for table in CAPTURED:
        info = sorted(columns.get(table, []))
        key = tuple(name for _, pk, name in sorted((c for c in info if c[1]), key=lambda c: c[1]))
        if info and key:
            out[table] = Shape(tuple(name for *_, name in info), key)
    return out


def _triggers(table: str, shape: Shape) -> Iterator[str]:
    new_key, old_key = _json_array("NEW", shape.key), _json_array("OLD", shape.key)
    new_row, old_row = _json_array("NEW", shape.columns), _json_array("OLD", shape.columns)
    note = f"INSERT INTO undo_capture(tb, k, old, new) VALUES ('{table}', "
    yield (f"CREATE TEMP TRIGGER IF NOT EXISTS undo_capture_{table}_insert AFTER INSERT ON main.{_quote(table)} "
           f"BEGIN {note}{new_key}, NULL, {new_row}); END")
    yield (f"CREATE TEMP TRIGGER IF NOT EXISTS undo_capture_{table}_delete BEFORE DELETE ON main.{_quote(table)} "
           f"BEGIN {note}{old_key}, {old_row}, NULL); END")
    yield (f"CREATE TEMP TRIGGER IF NOT EXISTS undo_capture_{table}_update AFTER UPDATE ON main.{_quote(table)} "
           f"BEGIN {note}{old_key}, {old_row}, CASE WHEN {old_key} = {new_key} THEN {new_row} END); "
           f"INSERT INTO undo_capture(tb, k, old, new) SELECT '{table}', {new_key}, NULL, {new_row} "
           f"WHERE {old_key} != {new_key}; END")


def install(conn: sqlite3.Connection) -> dict[str, Shape]:
    """Create the capture table and triggers of this connection (temporary: nothing is written to the file).
    ``recursive_triggers`` makes the rows an INSERT OR REPLACE deletes visible too."""
    found = shapes(conn)
    conn.execute("PRAGMA recursive_triggers = ON")
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS undo_capture (seq INTEGER PRIMARY KEY, tb TEXT NOT NULL, "
                 "k TEXT NOT NULL, old TEXT, new TEXT)")
    for table, shape in found.items():
        for sql in _triggers(table, shape):
            conn.execute(sql)
    return found


def _collect(conn: sqlite3.Connection, found: dict[str, Shape]) -> dict[str, object] | None:
    """The payload of the rows the transaction changed (first image before, last image after), or None."""
    before: dict[tuple[str, str], str | None] = {}
    after: dict[tuple[str, str], str | None] = {}
    for tb, key, old, new in conn.execute("SELECT tb, k, old, new FROM temp.undo_capture ORDER BY seq"):
        before.setdefault((tb, key), old)
        after[(tb, key)] = new
    rows = [[tb, json.loads(key), None if old is None else json.loads(old),
             None if after[(tb, key)] is None else json.loads(after[(tb, key)])]  # type: ignore[arg-type]
            for (tb, key), old in before.items() if old != after[(tb, key)]]
    if not rows:
        return None
    used = {r[0] for r in rows}
    return {"v": FORMAT, "columns": {t: list(found[t].columns) for t in sorted(used)},
            "key": {t: list(found[t].key) for t in sorted(used)}, "rows": rows}


class Recorder:
    """Makes each committed edit transaction of a :class:`Document` one undo step.

    The document calls :meth:`prepare` before ``BEGIN``, :meth:`begin` after it, :meth:`end` before
    ``COMMIT`` and :meth:`finished` after the transaction (committed or rolled back). While a group is open
    (:meth:`grouping`) the ids of the steps recorded are collected so that the caller can merge them.
    """

    def __init__(self, labeller: Labeller, now: Callable[[], str]) -> None:
        self._labeller, self._now = labeller, now
        self._shapes: dict[str, Shape] | None = None
        self._paused = 0
        self._log_head = 0
        self._pending: int | None = None
        self.label = ""  # the label of the steps recorded now ("" = from the first change-log row)
        self.group: list[int] | None = None
        self.recorded = False  # a step was recorded since the owner last cleared this

    def prepare(self, conn: sqlite3.Connection) -> None:
        if self._shapes is None:
            self._shapes = install(conn)

    def begin(self, conn: sqlite3.Connection) -> None:
        conn.execute("DELETE FROM temp.undo_capture")
        if not self._paused:
            self._log_head = int(conn.execute("SELECT COALESCE(MAX(id), 0) FROM change_log").fetchone()[0])

    def end(self, conn: sqlite3.Connection) -> None:
        if self._paused or self._shapes is None:
            return
        payload = _collect(conn, self._shapes)
        if payload is None:
            return
        first = conn.execute("SELECT action, tbl, who FROM change_log WHERE id > ? ORDER BY id LIMIT 1",
                             (self._log_head,)).fetchone()
        last = int(conn.execute("SELECT COALESCE(MAX(id), 0) FROM change_log").fetchone()[0])
        action, tbl, who = first if first else (None, None, "")
        label = self.label or self._labeller(action, tbl, len(payload["rows"]))  # type: ignore[arg-type]
        conn.execute("DELETE FROM undo_step WHERE state = ?", (UNDONE,))
        cur = conn.execute(
            "INSERT INTO undo_step(at, who, label, state, log_from, log_to, rows) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (self._now(), who, label, DONE, self._log_head + 1, last, json.dumps(payload, ensure_ascii=False)))
        conn.execute("DELETE FROM undo_step WHERE id <= (SELECT id FROM undo_step ORDER BY id DESC LIMIT 1 OFFSET ?)",
                     (KEEP_STEPS,))
        self._pending = cur.lastrowid

    def finished(self, committed: bool) -> None:
        if committed and self._pending is not None:
            self.recorded = True
            if self.group is not None:
                self.group.append(self._pending)
        self._pending = None

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Transactions inside record no step (undo, redo and merging write their own rows)."""
        self._paused += 1
        try:
            yield
        finally:
            self._paused -= 1

    @contextmanager
    def grouping(self, label: str) -> Iterator[list[int] | None]:
        """Label the steps recorded inside and collect their ids (None when a group is already open:
        the outer one labels and merges)."""
        if self.group is not None:
            yield None
            return
        self.group, self.label = [], label
        try:
            yield self.group
        finally:
            self.group, self.label = None, ""


# -- reading --------------------------------------------------------------------------------------
_STEP = "SELECT id, at, who, label, state, log_from, log_to, rows FROM undo_step"


def top(doc: Document, state: str) -> Step | None:
    """The step undo would take back (``done``) or redo would apply again (``undone``)."""
    order = "DESC" if state == DONE else "ASC"
    rec = _connection(doc).execute(f"{_STEP} WHERE state = ? ORDER BY id {order} LIMIT 1", (state,)).fetchone()
    return Step(*rec) if rec else None


def listing(doc: Document, state: str, limit: int | None = None) -> list[Step]:
    """Steps of one state in the order undo (or redo) would take them."""
    order = "DESC" if state == DONE else "ASC"
    sql = f"{_STEP} WHERE state = ? ORDER BY id {order}" + (f" LIMIT {int(limit)}" if limit else "")
    return [Step(*rec) for rec in _connection(doc).execute(sql, (state,))]


def summary(doc: Document) -> tuple[int, int, str | None, str | None]:
    """(steps that can be undone, steps that can be redone, label of the next undo, of the next redo)."""
    rec = _connection(doc).execute(
        "SELECT (SELECT COUNT(*) FROM undo_step WHERE state = ?1), (SELECT COUNT(*) FROM undo_step WHERE state = ?2), "
        "(SELECT label FROM undo_step WHERE state = ?1 ORDER BY id DESC LIMIT 1), "
        "(SELECT label FROM undo_step WHERE state = ?2 ORDER BY id LIMIT 1)", (DONE, UNDONE)).fetchone()
    return int(rec[0]), int(rec[1]), rec[2], rec[3]


def _refused(step: Step | int, what: str) -> DocumentError:
    number = step.id if isinstance(step, Step) else step
    return DocumentError("bad_undo_step", tr("修改历史中的第 {number} 步无法使用（{what}），未做任何改动。"
                                             "可以直接修改数字来改正。", number=number, what=what))


def _scalar(value: object) -> bool:
    return value is None or isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool))


def changes_of(doc: Document, step: Step) -> list[RowChange]:
    """The rows a step changed, checked against the tables the file has now."""
    try:
        data = json.loads(step.rows)
    except ValueError as exc:
        raise _refused(step, tr("内容不是有效的 JSON")) from exc
    if not isinstance(data, dict) or data.get("v") != FORMAT:
        raise _refused(step, tr("由不同版本的软件记录"))
    columns, keys, rows = data.get("columns"), data.get("key"), data.get("rows")
    if not (isinstance(columns, dict) and isinstance(keys, dict) and isinstance(rows, list)):
        raise _refused(step, tr("内容不完整"))
    live = shapes(_connection(doc))
    for table, cols in columns.items():
        shape = live.get(table)
        if shape is None or cols != list(shape.columns) or keys.get(table) != list(shape.key):
            raise _refused(step, tr("表 {table} 的结构与本文件不同", table=str(table)[:40]))
    out: list[RowChange] = []
    for row in rows:
        if not (isinstance(row, list) and len(row) == 4 and row[0] in columns):
            raise _refused(step, tr("有一行无法识别"))
        table, key, before, after = row
        shape = live[table]
        images: list[Image | None] = []
        for image in (before, after):
            if image is not None and not (isinstance(image, list) and len(image) == len(shape.columns)
                                          and all(_scalar(v) for v in image)):
                raise _refused(step, tr("表 {table} 中有一行的内容无法识别", table=table))
            images.append(None if image is None else dict(zip(shape.columns, image, strict=True)))
        if not (isinstance(key, list) and len(key) == len(shape.key) and all(_scalar(v) for v in key)) \
                or images[0] is None and images[1] is None \
                or any(i is not None and [i[k] for k in shape.key] != key for i in images):
            raise _refused(step, tr("表 {table} 中有一行的位置无法识别", table=table))
        out.append(RowChange(table, tuple(key), images[0], images[1]))
    return out


# -- writing --------------------------------------------------------------------------------------
def _current(conn: sqlite3.Connection, change: RowChange, shape: Shape) -> Image | None:
    where = " AND ".join(f"{_quote(k)} IS ?" for k in shape.key)
    rec = conn.execute(f"SELECT {', '.join(_quote(c) for c in shape.columns)} FROM main.{_quote(change.table)} "
                       f"WHERE {where}", change.key).fetchone()
    return None if rec is None else dict(zip(shape.columns, rec, strict=True))


def _write(conn: sqlite3.Connection, change: RowChange, image: Image | None, shape: Shape) -> None:
    if image is None:
        where = " AND ".join(f"{_quote(k)} IS ?" for k in shape.key)
        conn.execute(f"DELETE FROM main.{_quote(change.table)} WHERE {where}", change.key)
    else:
        conn.execute(f"INSERT OR REPLACE INTO main.{_quote(change.table)}({', '.join(map(_quote, image))}) "
                     f"VALUES ({', '.join('?' * len(image))})", tuple(image.values()))


def revert(doc: Document, recorder: Recorder, step: Step, changes: Sequence[RowChange], *, undo: bool,
           entries: Sequence[Entry]) -> None:
    """Undo (or redo) ``step`` in one transaction with its change-log ``entries``; refused (DocumentError,
    nothing written) when a row no longer holds what the step left or the result is not what a file may hold."""
    with recorder.paused(), doc._transaction() as conn:  # noqa: SLF001 - this package's own
        live = shapes(conn)
        for change in changes:
            expected = change.after if undo else change.before
            if _current(conn, change, live[change.table]) != expected:
                raise DocumentError("undo_conflict", tr("“{label}”之后，文件中相关的内容被其他程序改动过；为免覆盖"
                                                        "这些改动，未做任何改动。可以直接修改数字来改正。", label=step.label))
        for change in changes:
            _write(conn, change, change.before if undo else change.after, live[change.table])
        for table in {c.table for c in changes}:
            problem = rows_problem(conn, table, live[table].key, [c.key for c in changes if c.table == table])
            if problem:
                raise _refused(step, problem)
        changelog.append(conn, entries)
        conn.execute("UPDATE undo_step SET state = ? WHERE id = ?", (UNDONE if undo else DONE, step.id))


def merge(doc: Document, recorder: Recorder, ids: Sequence[int], label: str) -> None:
    """Make the steps ``ids`` (recorded one after another by one user action) one step called ``label``."""
    with recorder.paused(), doc._transaction() as conn:  # noqa: SLF001 - this package's own
        steps = [Step(*rec) for rec in conn.execute(
            f"{_STEP} WHERE id IN ({', '.join('?' * len(ids))}) AND state = ? ORDER BY id", (*ids, DONE))]
        if len(steps) < 2:
            return
        columns: dict[str, list[str]] = {}
        keys: dict[str, list[str]] = {}
        first: dict[str, list[object]] = {}
        last: dict[str, object] = {}
        for step in steps:
            data = json.loads(step.rows)
            columns.update(data["columns"])
            keys.update(data["key"])
            for table, key, before, after in data["rows"]:
                at = json.dumps([table, key], ensure_ascii=False)
                first.setdefault(at, [table, key, before])
                last[at] = after
        rows = [[*head, last[at]] for at, head in first.items() if head[2] != last[at]]
        payload = {"v": FORMAT, "columns": columns, "key": keys, "rows": rows}
        conn.execute(f"DELETE FROM undo_step WHERE id IN ({', '.join('?' * len(steps))})", [s.id for s in steps])
        if rows:
            conn.execute("INSERT INTO undo_step(id, at, who, label, state, log_from, log_to, rows) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                         (steps[-1].id, steps[-1].at, steps[-1].who, label, DONE, steps[0].log_from, steps[-1].log_to,
                          json.dumps(payload, ensure_ascii=False)))


def indicator_forms(doc: Document, ids: Iterable[int]) -> dict[int, int]:
    """The form each 三级 row id belongs to (rows still in the file)."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    rows = _connection(doc).execute(
        f"SELECT id, form_id FROM jx_indicator WHERE id IN ({', '.join('?' * len(wanted))})", wanted)
    return {int(i): int(f) for i, f in rows}
