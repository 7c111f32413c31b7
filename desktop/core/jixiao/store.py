"""Forms in the .gkb document (tables jx_* of migration 0002): read them, and write each edit as one
committed transaction with its change-log rows (``tbl`` = ``jixiao:<form id>``)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from decimal import Decimal

from ..document import Document, changelog
from ..document.store import now_iso
from .form import Form, Indicator, Value


def form_table(form_id: int) -> str:
    """The name forms use in change_log.tbl and in Finding.table / cells."""
    return f"jixiao:{form_id}"


def _split(value: Value | None) -> tuple[str | None, str | None]:
    if value is None:
        return None, None
    if isinstance(value, Decimal):
        return None, format(value, "f")
    return value, None


def _join(txt: str | None, num: str | None) -> Value | None:
    return Decimal(num) if num is not None else txt


def _log(conn: sqlite3.Connection, who: str, action: str, form_id: int, row: str | None = None,
         col: str | None = None, old: Value | None = None, new: Value | None = None) -> None:
    show = lambda v: None if v is None else (format(v, "f") if isinstance(v, Decimal) else v)  # noqa: E731
    changelog.log(conn, now_iso(), who, action, tbl=form_table(form_id), row=row, col=col, old=show(old),
                  new=show(new))


def has_forms(doc: Document) -> bool:
    """Whether the document holds any 绩效 form (cheap: no definitions needed)."""
    return doc.connection.execute("SELECT 1 FROM jx_form LIMIT 1").fetchone() is not None


def read_forms(doc: Document, level2_order: Mapping[str, list[str]] | None = None) -> list[Form]:
    """Every form of the document in order, with fields and indicator rows.

    ``level2_order`` (shape → 二级 keys in tree order) puts each form's rows in printed order: by 二级 in
    the tree, then by position; without it, rows keep their stored positions only within each 二级.
    """
    conn = doc.connection
    forms = {fid: Form(fid, shape, title, pos) for fid, shape, title, pos in
             conn.execute("SELECT id, shape, title, position FROM jx_form ORDER BY position, id")}
    for fid, key, txt, num in conn.execute("SELECT form_id, key, txt, num FROM jx_field"):
        if fid in forms:
            forms[fid].fields[key] = _join(txt, num)  # type: ignore[assignment]
    inds: dict[int, Indicator] = {}
    for iid, fid, level2 in conn.execute(
        "SELECT id, form_id, level2 FROM jx_indicator ORDER BY form_id, position, id"
    ):
        if fid in forms:
            ind = Indicator(iid, level2)
            forms[fid].indicators.append(ind)
            inds[iid] = ind
    for iid, col, txt, num in conn.execute("SELECT indicator_id, col, txt, num FROM jx_indicator_cell"):
        if iid in inds:
            inds[iid].cells[col] = _join(txt, num)  # type: ignore[assignment]
    for form in forms.values():
        order = {k: n for n, k in enumerate((level2_order or {}).get(form.shape, []))}
        form.indicators.sort(key=lambda i: order.get(i.level2, len(order)))  # stable: positions kept
    return list(forms.values())


def _set_field(conn: sqlite3.Connection, form_id: int, key: str, value: Value | None) -> Value | None:
    old = conn.execute("SELECT txt, num FROM jx_field WHERE form_id = ? AND key = ?", (form_id, key)).fetchone()
    old_value = _join(*old) if old else None
    if value is None:
        conn.execute("DELETE FROM jx_field WHERE form_id = ? AND key = ?", (form_id, key))
    else:
        conn.execute("INSERT OR REPLACE INTO jx_field(form_id, key, txt, num) VALUES (?, ?, ?, ?)",
                     (form_id, key, *_split(value)))
    return old_value


def _set_cell(conn: sqlite3.Connection, ind_id: int, col: str, value: Value | None) -> Value | None:
    old = conn.execute("SELECT txt, num FROM jx_indicator_cell WHERE indicator_id = ? AND col = ?",
                       (ind_id, col)).fetchone()
    old_value = _join(*old) if old else None
    if value is None:
        conn.execute("DELETE FROM jx_indicator_cell WHERE indicator_id = ? AND col = ?", (ind_id, col))
    else:
        conn.execute("INSERT OR REPLACE INTO jx_indicator_cell(indicator_id, col, txt, num) VALUES (?, ?, ?, ?)",
                     (ind_id, col, *_split(value)))
    return old_value


def insert_form(doc: Document, shape: str, title: str, fields: Mapping[str, Value],
                indicators: Iterable[tuple[str, Mapping[str, Value]]], *, who: str, action: str = "add_form") -> int:
    """Add a whole form (fields and indicator rows) in one transaction; returns its id."""
    with doc.transaction() as conn:
        pos = conn.execute("SELECT COALESCE(MAX(position), 0) + 1 FROM jx_form").fetchone()[0]
        form_id = conn.execute("INSERT INTO jx_form(shape, title, position) VALUES (?, ?, ?)",
                               (shape, title, pos)).lastrowid
        assert form_id is not None
        _log(conn, who, action, form_id, new=title)
        for key, value in fields.items():
            _set_field(conn, form_id, key, value)
        counters: dict[str, int] = {}
        for level2, cells in indicators:
            counters[level2] = counters.get(level2, 0) + 1
            iid = conn.execute("INSERT INTO jx_indicator(form_id, level2, position) VALUES (?, ?, ?)",
                               (form_id, level2, counters[level2])).lastrowid
            for col, value in cells.items():
                _set_cell(conn, iid, col, value)  # type: ignore[arg-type]
    return form_id


def delete_form(doc: Document, form_id: int, *, who: str) -> None:
    with doc.transaction() as conn:
        title = conn.execute("SELECT title FROM jx_form WHERE id = ?", (form_id,)).fetchone()
        ids = [r[0] for r in conn.execute("SELECT id FROM jx_indicator WHERE form_id = ?", (form_id,))]
        conn.executemany("DELETE FROM jx_indicator_cell WHERE indicator_id = ?", [(i,) for i in ids])
        conn.execute("DELETE FROM jx_indicator WHERE form_id = ?", (form_id,))
        conn.execute("DELETE FROM jx_field WHERE form_id = ?", (form_id,))
        conn.execute("DELETE FROM jx_form WHERE id = ?", (form_id,))
        _log(conn, who, "remove_form", form_id, old=title[0] if title else None)


def rename_form(doc: Document, form_id: int, title: str, *, who: str) -> None:
    with doc.transaction() as conn:
        old = conn.execute("SELECT title FROM jx_form WHERE id = ?", (form_id,)).fetchone()
        conn.execute("UPDATE jx_form SET title = ? WHERE id = ?", (title, form_id))
        _log(conn, who, "rename_form", form_id, old=old[0] if old else None, new=title)


def write_fields(doc: Document, form_id: int, fields: Mapping[str, Value | None], *, who: str,
                 action: str = "set") -> dict[str, Value | None]:
    """Set form fields (None clears) in one transaction; returns the old values."""
    olds: dict[str, Value | None] = {}
    with doc.transaction() as conn:
        for key, value in fields.items():
            olds[key] = old = _set_field(conn, form_id, key, value)
            if old != value:
                _log(conn, who, action, form_id, "field", key, old, value)
    return olds


def write_cells(doc: Document, form_id: int, ind_id: int, cells: Mapping[str, Value | None], *, who: str,
                action: str = "set") -> dict[str, Value | None]:
    """Set cells of one indicator row in one transaction; returns the old values."""
    olds: dict[str, Value | None] = {}
    with doc.transaction() as conn:
        for col, value in cells.items():
            olds[col] = old = _set_cell(conn, ind_id, col, value)
            if old != value:
                _log(conn, who, action, form_id, f"indicator:{ind_id}", col, old, value)
    return olds


def add_indicator_row(doc: Document, form_id: int, level2: str, index: int, cells: Mapping[str, Value],
                      *, who: str) -> int:
    """Insert a 三级 row at ``index`` (0-based) among the rows of its 二级; returns the new row's id."""
    with doc.transaction() as conn:
        ids = [r[0] for r in conn.execute(
            "SELECT id FROM jx_indicator WHERE form_id = ? AND level2 = ? ORDER BY position, id", (form_id, level2))]
        iid = conn.execute("INSERT INTO jx_indicator(form_id, level2, position) VALUES (?, ?, 0)",
                           (form_id, level2)).lastrowid
        assert iid is not None
        ids.insert(max(0, min(index, len(ids))), iid)
        conn.executemany("UPDATE jx_indicator SET position = ? WHERE id = ?", [(p, i) for p, i in enumerate(ids, 1)])
        for col, value in cells.items():
            _set_cell(conn, iid, col, value)
        _log(conn, who, "add_indicator", form_id, f"indicator:{iid}", level2, None, str(index))
    return iid


def remove_indicator_row(doc: Document, form_id: int, ind_id: int, *, who: str) -> None:
    with doc.transaction() as conn:
        conn.execute("DELETE FROM jx_indicator_cell WHERE indicator_id = ?", (ind_id,))
        conn.execute("DELETE FROM jx_indicator WHERE id = ? AND form_id = ?", (ind_id, form_id))
        _log(conn, who, "remove_indicator", form_id, f"indicator:{ind_id}")


def reorder_indicators(doc: Document, form_id: int, level2: str, ids: list[int], *, who: str) -> None:
    """Store a new order of the rows of one 二级."""
    with doc.transaction() as conn:
        conn.executemany("UPDATE jx_indicator SET position = ? WHERE id = ? AND form_id = ?",
                         [(p, i, form_id) for p, i in enumerate(ids, 1)])
        _log(conn, who, "move_indicator", form_id, "indicators", level2, None, ",".join(map(str, ids)))
