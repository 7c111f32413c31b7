"""A structural edit recompiles only what the rows it adds or removes touch; the engine it leaves behind
is the same as one built from scratch over the same rows and values (instances, formulas, ranks,
findings, values), and the derived totals are what a full re-derivation gives."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from conftest import seed_data
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.core.document import DocumentError
from desktop.core.formats.dump import load_dump
from desktop.core.formats.published import convert_published
from desktop.core.paths import resources_dir
from desktop.core.rules.engine import Engine
from desktop.core.rules.rowindex import RowIndex
from desktop.core.session import EditError, Session

ADD_POOL = ["2010101", "2080501", "2080502", "2101101", "2101102", "2101599", "21015", "21011", "229",
            "2299901", "2130101", "30101_50101", "30102_50101", "30199_50299", "30201_50201", "30211_50206",
            "301", "302", "30101", "30231_50208", "30231_50502"]
OPS = st.lists(st.tuples(st.sampled_from(["add", "add", "remove", "remove", "undo", "set", "named"]),
                         st.integers(0, 10**6), st.integers(0, 10**6)), min_size=1, max_size=7)


def _demo_dump() -> dict:
    return json.loads((resources_dir() / "demo" / "liulin_2022.json").read_text(encoding="utf-8"))


def _seed_dump() -> dict:
    return convert_published(seed_data("004_6de04d4622149a8f"), None).dump


def _session(dump: dict, folder: Path) -> Session:
    session = Session(load_dump(dump, folder / "doc.gkb", who="测试员"))
    session.doc.write(session.engine.derive_all(), who="测试员", action="derive")  # totals as typed
    session.engine.check_all()
    return session


def assert_same_as_a_fresh_engine(session: Session) -> None:
    engine = session.engine
    rows = RowIndex(session.tset, session.doc.floating_rows())
    for table in session.tset.tables:
        assert session.rows.rows(table.key) == rows.rows(table.key), table.key
        for info in rows.rows(table.key):
            if info.code:
                assert session.rows.parent_of(table.key, info.code) == rows.parent_of(table.key, info.code)
    assert engine.values == session.doc.values()
    fresh = Engine(session.tset, rows, engine.values, rounding=engine.rounding, codes=session.codes)
    assert engine.instances == fresh.instances
    assert {t: i.key for t, i in engine.formulas.items()} == {t: i.key for t, i in fresh.formulas.items()}
    assert {t: engine.index.rank(t) for t in engine.formulas} == {t: fresh.index.rank(t) for t in fresh.formulas}
    assert {c: set(r) for c, r in engine.readers.items()} == {c: set(r) for c, r in fresh.readers.items()}
    assert engine.findings == fresh.findings
    assert fresh.derive_all() == {}  # every derived total is what a full re-derivation gives


def _floating_tables(session: Session) -> list[str]:
    return [t.key for t in session.tset.tables if t.floating_block is not None]


def _run(session: Session, ops: list[tuple[str, int, int]]) -> None:
    """Apply ``ops``; "undo" takes back the last edit still standing, as the GUI's undo stack does."""
    undo: list[tuple] = []
    tables = _floating_tables(session)
    for op, a, b in ops:
        table = tables[a % len(tables)]
        fl = session.tset.table(table).floating_block.floating
        present = session.rows.floating_codes(table)
        try:
            if op == "add" and not fl.named:
                added = session.add_row(table, ADD_POOL[b % len(ADD_POOL)], who="测试员")
                undo.append(("add", table, added))
            elif op == "named" and fl.named:
                units = [k for k in present if len(k) == sorted(fl.levels)[0]]
                parent = units[b % len(units)] if units and b % 2 and len(fl.levels) > 1 else None
                undo.append(("add", table, [session.add_named_row(table, f"新行{b}", parent, who="测试员")]))
            elif op == "remove" and present:
                names = dict(session.doc.floating_rows().get(table, []))
                before = dict(session.engine.values)
                removed = session.remove_row(table, present[b % len(present)], who="测试员")
                after = session.engine.values
                kept = {c: v for c, v in before.items() if c[0] == table and c[1] in removed or after.get(c) != v}
                undo.append(("remove", table, [(c, names.get(c, "")) for c in removed], kept))
            elif op == "undo" and undo:
                step = undo.pop()
                if step[0] == "set":  # as the GUI undoes a typed figure
                    session.set_values(step[1], who="测试员", derive=False, allow_derived=True)
                elif step[0] == "add":
                    for code in sorted(step[2], key=len, reverse=True):
                        if code in session.rows.floating_codes(table := step[1]):
                            session.remove_row(table, code, who="测试员")
                else:
                    session.restore_rows(step[1], step[2], step[3], who="测试员")
            elif op == "set" and present:
                block = session.tset.table(table).floating_block
                cell = (table, present[b % len(present)], block.value_columns[a % len(block.value_columns)].key)
                if session.cell_info(cell).editable:
                    undo.append(("set", session.set_values({cell: b - 500_000}, who="测试员").old))
        except EditError:
            pass
        assert_same_as_a_fresh_engine(session)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=OPS)
def test_structural_edits_on_the_demo_leave_the_engine_a_full_rebuild_would_build(ops):
    with tempfile.TemporaryDirectory() as tmp:
        session = _session(_demo_dump(), Path(tmp))
        try:
            _run(session, ops)
        finally:
            session.close()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=OPS)
def test_structural_edits_on_a_budget_with_paired_and_named_rows_match_a_full_rebuild(ops):
    with tempfile.TemporaryDirectory() as tmp:
        session = _session(_seed_dump(), Path(tmp))
        try:
            _run(session, ops)
        finally:
            session.close()


def test_removing_a_row_and_undoing_it_restores_every_figure_and_finding(tmp_path):
    session = _session(_demo_dump(), tmp_path)
    before_values, before_findings = dict(session.engine.values), dict(session.engine.findings)
    table = "zhichu"
    code = session.rows.floating_codes(table)[-1]
    names = dict(session.doc.floating_rows()[table])
    removed = session.remove_row(table, code, who="测试员")
    assert all(session.rows.get(table, c) is None for c in removed)
    assert session.engine.values != before_values
    after = session.engine.values
    kept = {c: v for c, v in before_values.items() if c[0] == table and c[1] in removed or after.get(c) != v}
    session.restore_rows(table, [(c, names[c]) for c in removed], kept, who="测试员")
    assert session.engine.values == before_values and session.engine.findings == before_findings
    assert_same_as_a_fresh_engine(session)
    session.close()


@pytest.mark.parametrize("dump", [_demo_dump, _seed_dump])
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(picks=st.lists(st.tuples(st.integers(0, 10**6), st.integers(-10**7, 10**7)), min_size=1, max_size=5))
def test_an_engine_not_checked_yet_reports_the_same_edits_as_a_checked_one(dump, picks):
    """Opening for one edit compiles and checks only what the edit reaches; what it reports is the same."""
    with tempfile.TemporaryDirectory() as tmp:
        session = _session(dump(), Path(tmp))
        rows, values, tset, rounding = session.rows, session.doc.values(), session.tset, session.engine.rounding
        checked = Engine(tset, rows, values, rounding=rounding)
        checked.check_all()
        lazy = Engine(tset, rows, values, rounding=rounding)
        inputs = sorted(c for c in checked.readers if not checked.is_derived(c))
        for pick, value in picks:
            cell = inputs[pick % len(inputs)]
            assert lazy.is_derived(cell) is False
            want, got = checked.apply({cell: value}), lazy.apply({cell: value})
            assert got.cells == want.cells and got.old == want.old
            assert {f.key: f for f in got.added} == {f.key: f for f in want.added}
            assert sorted(got.removed) == sorted(want.removed)
        assert not lazy.index.complete  # only what the edits reached was compiled
        assert lazy.values == checked.values and lazy.findings == checked.findings
        assert lazy.instances == checked.instances
        assert {t: i.key for t, i in lazy.formulas.items()} == {t: i.key for t, i in checked.formulas.items()}
        assert {t: lazy.index.rank(t) for t in lazy.formulas} == {t: checked.index.rank(t) for t in checked.formulas}
        session.close()


def test_a_structural_edit_the_file_refuses_leaves_the_engine_as_it_was(tmp_path):
    path = tmp_path / "doc.gkb"
    _session(_demo_dump(), tmp_path).close()
    session = Session.open(path, readonly=True)
    values, findings = dict(session.engine.values), dict(session.engine.findings)
    rows = session.rows
    code = session.rows.floating_codes("zhichu")[-1]
    for edit in (lambda: session.remove_row("zhichu", code, who="测试员"),
                 lambda: session.add_row("zhichu", "2080501", who="测试员")):
        try:
            edit()
        except DocumentError as exc:
            assert "只读" in str(exc)
        else:
            raise AssertionError("a read-only file took a structural edit")
        assert session.rows is rows
        assert session.engine.values == values and session.engine.findings == findings
        assert session.engine.rows is rows and session.engine.describer.rows is rows
        assert_same_as_a_fresh_engine(session)
    session.close()
