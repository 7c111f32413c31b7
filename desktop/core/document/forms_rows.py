"""The 绩效 forms' rows (tables jx_* of migration 0002): read them, and write each edit as one committed
transaction with its change-log rows (``tbl`` = ``jixiao:<form id>``).

Values are plain data here: text is ``str``, a number is a ``Decimal`` with the decimals it was printed with,
stored as integers by :mod:`.numbers` (``num`` and ``places``: 70.60 is 7060 and 2). A number it cannot store
exactly is refused (:class:`DocumentError` ``bad_value``, in Chinese) before anything is written. The room
(desktop.core.jixiao) turns the stored rows into its Form objects and orders them by its tree.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from decimal import Decimal

from msgspec import Struct, field

from ..i18n import tr
from . import numbers
from .changelog import Entry
from .errors import DocumentError
from .store import Document, now_iso
from .tx import Tx, _connection

FORM_PREFIX = "jixiao:"
FormValue = str | Decimal


def form_table(form_id: int) -> str:
    """The name forms use in change_log.tbl, review records and Finding.table / cells."""
    return f"{FORM_PREFIX}{form_id}"


class StoredIndicator(Struct):
    """A 三级 row as stored: id, its 二级 and its cells by column key."""

    id: int
    level2: str
    cells: dict[str, FormValue] = field(default_factory=dict)


class StoredForm(Struct):
    """A form as stored: its fields and its 三级 rows, by stored position within each 二级."""

    id: int
    shape: str
    title: str
    position: int
    fields: dict[str, FormValue] = field(default_factory=dict)
    indicators: list[StoredIndicator] = field(default_factory=list)


Stored = tuple[str | None, int | None, int | None]  # (txt, num, places) of one field or cell


def _encode(value: FormValue | None, where: str) -> Stored | None:
    """A value as its row stores it; a number the integers cannot hold exactly is refused."""
    if value is None:
        return None
    if isinstance(value, str):
        return value, None, None
    try:
        num, places = numbers.encode(value)
    except numbers.NumberEncodingError as exc:
        raise DocumentError("bad_value", tr("{where}：{error}。本次修改未保存。", where=where, error=exc)) from exc
    return None, num, places


def _encode_all(values: Mapping[str, FormValue | None], where: str) -> dict[str, Stored | None]:
    return {key: _encode(value, f"{where}“{key}”") for key, value in values.items()}


def _join(txt: str | None, num: int | None, places: int | None) -> FormValue | None:
    return numbers.decode(num, places or 0) if num is not None else txt


def _shown(value: FormValue | None) -> str | None:
    """A value as the change log writes it (numbers as exact decimal text)."""
    return None if value is None else (format(value, "f") if isinstance(value, Decimal) else value)


def _entry(who: str, action: str, form_id: int, row: str | None = None, col: str | None = None,
           old: FormValue | None = None, new: FormValue | None = None) -> Entry:
    return Entry(now_iso(), who, action, form_table(form_id), row, col, _shown(old), _shown(new))


def has_forms(source: Document | Tx) -> bool:
    """Whether the document holds any 绩效 form (cheap: no definitions needed)."""
    return _connection(source).execute("SELECT 1 FROM jx_form LIMIT 1").fetchone() is not None


def form_titles(source: Document | Tx) -> list[tuple[int, str]]:
    """(id, title) of every form in document order (cheap: no definitions, no figures)."""
    return list(_connection(source).execute("SELECT id, title FROM jx_form ORDER BY position, id"))


def form_title(source: Document | Tx, form_id: int) -> str | None:
    """The title of form ``form_id`` (None when the document has no such form)."""
    rec = _connection(source).execute("SELECT title FROM jx_form WHERE id = ?", (form_id,)).fetchone()
    return rec[0] if rec else None


def read_forms(source: Document | Tx) -> list[StoredForm]:
    """Every form in stored order, with fields and 三级 rows (by position and id within the form)."""
    conn = _connection(source)
    forms = {fid: StoredForm(fid, shape, title, pos) for fid, shape, title, pos in
             conn.execute("SELECT id, shape, title, position FROM jx_form ORDER BY position, id")}
    for fid, key, txt, num, places in conn.execute("SELECT form_id, key, txt, num, places FROM jx_field"):
        if fid in forms:
            forms[fid].fields[key] = _join(txt, num, places)  # type: ignore[assignment]
    inds: dict[int, StoredIndicator] = {}
    for iid, fid, level2 in conn.execute("SELECT id, form_id, level2 FROM jx_indicator ORDER BY form_id, position, id"):
        if fid in forms:
            ind = StoredIndicator(iid, level2)
            forms[fid].indicators.append(ind)
            inds[iid] = ind
    for iid, col, txt, num, places in conn.execute("SELECT indicator_id, col, txt, num, places FROM jx_indicator_cell"):
        if iid in inds:
            inds[iid].cells[col] = _join(txt, num, places)  # type: ignore[assignment]
    return list(forms.values())


def form_figures(source: Document | Tx, form_id: int) -> dict[str, str]:
    """A form's figures as sealed: {"field|<key>": value, "row:indicator:<id>": "<二级>#<position>",
    "indicator:<id>|<col>": value}; a number is its exact decimal text (the same text as when numbers were
    stored as text, before version 6, so older seals hold), a text is marked by a leading quote."""
    conn = _connection(source)
    out: dict[str, str] = {}
    for key, txt, num, places in conn.execute("SELECT key, txt, num, places FROM jx_field WHERE form_id = ?",
                                              (form_id,)):
        out[f"field|{key}"] = numbers.text(num, places or 0) if num is not None else f"'{txt}"
    rows = conn.execute("SELECT i.id, i.level2, i.position, c.col, c.txt, c.num, c.places FROM jx_indicator i "
                        "LEFT JOIN jx_indicator_cell c ON c.indicator_id = i.id WHERE i.form_id = ?", (form_id,))
    for ind, level2, pos, col, txt, num, places in rows:
        out[f"row:indicator:{ind}"] = f"{level2}#{pos}"
        if col is not None:
            out[f"indicator:{ind}|{col}"] = numbers.text(num, places or 0) if num is not None else f"'{txt}"
    return out


def _set_field(conn: sqlite3.Connection, form_id: int, key: str, stored: Stored | None) -> FormValue | None:
    old = conn.execute("SELECT txt, num, places FROM jx_field WHERE form_id = ? AND key = ?", (form_id, key)).fetchone()
    if stored is None:
        conn.execute("DELETE FROM jx_field WHERE form_id = ? AND key = ?", (form_id, key))
    else:
        conn.execute("INSERT OR REPLACE INTO jx_field(form_id, key, txt, num, places) VALUES (?, ?, ?, ?, ?)",
                     (form_id, key, *stored))
    return _join(*old) if old else None


def _set_cell(conn: sqlite3.Connection, ind_id: int, col: str, stored: Stored | None) -> FormValue | None:
    old = conn.execute("SELECT txt, num, places FROM jx_indicator_cell WHERE indicator_id = ? AND col = ?",
                       (ind_id, col)).fetchone()
    if stored is None:
        conn.execute("DELETE FROM jx_indicator_cell WHERE indicator_id = ? AND col = ?", (ind_id, col))
    else:
        conn.execute("INSERT OR REPLACE INTO jx_indicator_cell(indicator_id, col, txt, num, places) "
                     "VALUES (?, ?, ?, ?, ?)", (ind_id, col, *stored))
    return _join(*old) if old else None


def insert_form(doc: Document, shape: str, title: str, fields: Mapping[str, FormValue],
                indicators: Iterable[tuple[str, Mapping[str, FormValue]]], *, who: str,
                action: str = "add_form") -> int:
    """Add a whole form (fields and indicator rows) in one transaction; returns its id."""
    stored_fields = _encode_all(fields, tr("栏目"))
    stored_rows = [(level2, _encode_all(cells, tr("指标栏"))) for level2, cells in indicators]
    with doc.transaction() as tx:
        conn = _connection(tx)
        pos = conn.execute("SELECT COALESCE(MAX(position), 0) + 1 FROM jx_form").fetchone()[0]
        form_id = conn.execute("INSERT INTO jx_form(shape, title, position) VALUES (?, ?, ?)",
                               (shape, title, pos)).lastrowid
        assert form_id is not None
        tx.append([_entry(who, action, form_id, new=title)])
        for key, stored in stored_fields.items():
            _set_field(conn, form_id, key, stored)
        counters: dict[str, int] = {}
        for level2, cells in stored_rows:
            counters[level2] = counters.get(level2, 0) + 1
            iid = conn.execute("INSERT INTO jx_indicator(form_id, level2, position) VALUES (?, ?, ?)",
                               (form_id, level2, counters[level2])).lastrowid
            assert iid is not None
            for col, stored in cells.items():
                _set_cell(conn, iid, col, stored)
    return form_id


def delete_form(doc: Document, form_id: int, *, who: str) -> None:
    """Remove a form with its fields and rows."""
    with doc.transaction() as tx:
        conn = _connection(tx)
        title = form_title(tx, form_id)
        ids = [r[0] for r in conn.execute("SELECT id FROM jx_indicator WHERE form_id = ?", (form_id,))]
        conn.executemany("DELETE FROM jx_indicator_cell WHERE indicator_id = ?", [(i,) for i in ids])
        conn.execute("DELETE FROM jx_indicator WHERE form_id = ?", (form_id,))
        conn.execute("DELETE FROM jx_field WHERE form_id = ?", (form_id,))
        conn.execute("DELETE FROM jx_form WHERE id = ?", (form_id,))
        tx.append([_entry(who, "remove_form", form_id, old=title)])


def rename_form(doc: Document, form_id: int, title: str, *, who: str) -> None:
    with doc.transaction() as tx:
        old = form_title(tx, form_id)
        _connection(tx).execute("UPDATE jx_form SET title = ? WHERE id = ?", (title, form_id))
        tx.append([_entry(who, "rename_form", form_id, old=old, new=title)])


def write_fields(doc: Document, form_id: int, fields: Mapping[str, FormValue | None], *, who: str,
                 action: str = "set") -> dict[str, FormValue | None]:
    """Set form fields (None clears) in one transaction; returns the old values."""
    olds: dict[str, FormValue | None] = {}
    stored = _encode_all(fields, tr("栏目"))
    with doc.transaction() as tx:
        conn = _connection(tx)
        for key, value in fields.items():
            olds[key] = old = _set_field(conn, form_id, key, stored[key])
            if old != value:
                tx.append([_entry(who, action, form_id, "field", key, old, value)])
    return olds


def write_cells(doc: Document, form_id: int, ind_id: int, cells: Mapping[str, FormValue | None], *, who: str,
                action: str = "set") -> dict[str, FormValue | None]:
    """Set cells of one indicator row in one transaction; returns the old values."""
    olds: dict[str, FormValue | None] = {}
    stored = _encode_all(cells, tr("指标栏"))
    with doc.transaction() as tx:
        conn = _connection(tx)
        for col, value in cells.items():
            olds[col] = old = _set_cell(conn, ind_id, col, stored[col])
            if old != value:
                tx.append([_entry(who, action, form_id, f"indicator:{ind_id}", col, old, value)])
    return olds


def add_indicator_row(doc: Document, form_id: int, level2: str, index: int, cells: Mapping[str, FormValue],
                      *, who: str) -> int:
    """Insert a 三级 row at ``index`` (0-based) among the rows of its 二级; returns the new row's id."""
    stored = _encode_all(cells, tr("指标栏"))
    with doc.transaction() as tx:
        conn = _connection(tx)
        ids = [r[0] for r in conn.execute(
            "SELECT id FROM jx_indicator WHERE form_id = ? AND level2 = ? ORDER BY position, id", (form_id, level2))]
        iid = conn.execute("INSERT INTO jx_indicator(form_id, level2, position) VALUES (?, ?, 0)",
                           (form_id, level2)).lastrowid
        assert iid is not None
        ids.insert(max(0, min(index, len(ids))), iid)
        conn.executemany("UPDATE jx_indicator SET position = ? WHERE id = ?", [(p, i) for p, i in enumerate(ids, 1)])
        for col, value in stored.items():
            _set_cell(conn, iid, col, value)
        tx.append([_entry(who, "add_indicator", form_id, f"indicator:{iid}", level2, None, str(index))])
    return iid


def remove_indicator_row(doc: Document, form_id: int, ind_id: int, *, who: str) -> None:
    with doc.transaction() as tx:
        conn = _connection(tx)
        conn.execute("DELETE FROM jx_indicator_cell WHERE indicator_id = ?", (ind_id,))
        conn.execute("DELETE FROM jx_indicator WHERE id = ? AND form_id = ?", (ind_id, form_id))
        tx.append([_entry(who, "remove_indicator", form_id, f"indicator:{ind_id}")])


def reorder_indicators(doc: Document, form_id: int, level2: str, ids: list[int], *, who: str) -> None:
    """Store a new order of the rows of one 二级."""
    with doc.transaction() as tx:
        _connection(tx).executemany("UPDATE jx_indicator SET position = ? WHERE id = ? AND form_id = ?",
                                    [(p, i, form_id) for p, i in enumerate(ids, 1)])
        tx.append([_entry(who, "move_indicator", form_id, "indicators", level2, None, ",".join(map(str, ids)))])
