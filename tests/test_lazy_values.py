"""The engine's figures read row by row (desktop/core/rules/lazy_values.py): whatever the order of reads and
writes, the mapping answers as the whole dict would, and an edit of a writable document tells exactly what an
engine holding every figure tells."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.core.demo import build_demo
from desktop.core.document import Document
from desktop.core.rules.engine import Engine
from desktop.core.rules.lazy_values import LazyValues
from desktop.core.session import Session

TABLES, ROWS, COLS = ("a", "b"), ("1", "2", "3"), ("x", "y")
CELLS = [(t, r, c) for t in TABLES for r in ROWS for c in COLS]


def _lazy(figures: dict) -> tuple[LazyValues, list]:
    reads: list = []

    def row(table: str, key: str) -> dict[str, int]:
        reads.append((table, key))
        return {c: v for (t, r, c), v in figures.items() if (t, r) == (table, key)}

    return LazyValues(row, lambda: iter(list(figures.items()))), reads


operations = st.lists(st.one_of(
    st.tuples(st.just("get"), st.sampled_from(CELLS)),
    st.tuples(st.just("in"), st.sampled_from(CELLS)),
    st.tuples(st.just("set"), st.sampled_from(CELLS), st.integers(-10**6, 10**6)),
    st.tuples(st.just("pop"), st.sampled_from(CELLS)),
    st.tuples(st.just("setdefault"), st.sampled_from(CELLS), st.integers(0, 9)),
    st.tuples(st.just("update"), st.dictionaries(st.sampled_from(CELLS), st.integers(0, 9), max_size=3)),
    st.tuples(st.just("rows"), st.lists(st.tuples(st.sampled_from(TABLES), st.sampled_from(ROWS)), max_size=3)),
    st.tuples(st.just("whole"),),
), max_size=30)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(CELLS), st.integers(-10**6, 10**6)), operations)
def test_lazy_values_answer_as_the_whole_dict(figures: dict, ops: list) -> None:
    lazy, _ = _lazy(figures)
    plain = dict(figures)
    for op, *args in ops:
        if op == "get":
            assert lazy.get(args[0]) == plain.get(args[0])
        elif op == "in":
            assert (args[0] in lazy) == (args[0] in plain)
        elif op == "set":
            lazy[args[0]] = plain[args[0]] = args[1]
        elif op == "pop":
            assert lazy.pop(args[0], None) == plain.pop(args[0], None)
        elif op == "setdefault":
            assert lazy.setdefault(args[0], args[1]) == plain.setdefault(args[0], args[1])
        elif op == "update":
            lazy.update(args[0])
            plain.update(args[0])
        elif op == "rows":
            lazy.load_rows(args[0])
        else:
            assert sorted(lazy.items()) == sorted(plain.items())
    assert lazy == plain and len(lazy) == len(plain) and dict(lazy) == plain and lazy.copy() == plain
    assert sorted(lazy) == sorted(plain) and bool(lazy) == bool(plain)


def test_one_read_touches_only_its_row() -> None:
    lazy, reads = _lazy({("a", "1", "x"): 5, ("a", "2", "x"): 7, ("b", "1", "y"): 9})
    assert lazy.get(("a", "1", "x")) == 5 and lazy.get(("a", "1", "y")) is None
    assert reads == [("a", "1")] and not lazy.fully_loaded
    assert ("b", "1", "y") in lazy and reads == [("a", "1"), ("b", "1")]
    assert len(lazy) == 3 and lazy.fully_loaded


def _snapshot(session: Session, change) -> tuple:  # noqa: ANN001
    return (dict(change.cells), dict(change.old), sorted(f.key for f in change.added), sorted(change.removed))


def test_an_edit_tells_what_an_engine_with_every_figure_tells(tmp_path: Path) -> None:
    path = build_demo(tmp_path / "demo.gkb", who="t")
    copy = tmp_path / "copy.gkb"
    copy.write_bytes(path.read_bytes())
    lazy_session = Session.open(path, who="t")
    eager_session = Session.open(copy, who="t")
    try:
        assert isinstance(lazy_session.engine.values, LazyValues)
        eager_session.engine = Engine(eager_session.tset, eager_session.rows, eager_session.doc.values(),
                                      rounding=eager_session.doc.money_unit == "万元", codes=eager_session.codes)
        cells = [c for c in sorted(eager_session.engine.values) if eager_session.cell_info(c).editable][:25]
        for n, cell in enumerate(cells):
            text = str(1000 + 37 * n)
            lazy = _snapshot(lazy_session, lazy_session.set_text(cell, text, who="t"))
            eager = _snapshot(eager_session, eager_session.set_text(cell, text, who="t"))
            assert lazy == eager
        assert not lazy_session.engine.values.fully_loaded  # the edits read only their rows
        for _ in range(3):
            assert _snapshot(lazy_session, lazy_session.undo(who="t")) == _snapshot(eager_session, eager_session.undo(who="t"))
        assert lazy_session.engine.values == eager_session.engine.values
        assert [f.key for f in lazy_session.engine.check_all()] == [f.key for f in eager_session.engine.check_all()]
    finally:
        lazy_session.close()
        eager_session.close()
    with Document.open(path, readonly=True) as a, Document.open(copy, readonly=True) as b:
        assert a.values() == b.values()


def test_a_read_only_session_reads_every_figure_at_once(tmp_path: Path) -> None:
    path = build_demo(tmp_path / "demo.gkb", who="t")
    session = Session.open(path, readonly=True)
    try:
        assert type(session.engine.values) is dict
    finally:
        session.close()


def test_a_fresh_session_undoes_a_row_removal_as_the_session_that_made_it_would(tmp_path: Path) -> None:
    """The 科目 rows and figures of a writable session are read table by table and row by row; an undo in a
    new session (nothing of the table read yet) writes the file first and must still tell the whole change."""
    path = build_demo(tmp_path / "demo.gkb", who="t")
    session = Session.open(path, who="t")
    table = "zhichu"
    code = max(session.rows.floating_codes(table), key=len)
    before_rows = session.doc.floating_rows()[table]
    before_values = session.doc.values()
    removed = session.remove_row(table, code, who="t")
    session.close()

    fresh = Session.open(path, who="t")
    try:
        assert not fresh.engine.values.fully_loaded
        change = fresh.undo(who="t")
        assert sorted(change.rows_added) == sorted((table, c) for c in removed)
        assert {c for c in change.cells if c[1] in removed} == {c for c in before_values if c[0] == table and c[1] in removed}
        assert fresh.doc.floating_rows()[table] == before_rows and fresh.doc.values() == before_values
        eager = Engine(fresh.tset, fresh.rows, fresh.doc.values(), rounding=fresh.engine.rounding, codes=fresh.codes)
        assert fresh.engine.check_all() == eager.check_all()
        assert dict(fresh.engine.values) == eager.values
    finally:
        fresh.close()
