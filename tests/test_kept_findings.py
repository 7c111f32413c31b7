"""The 绩效 forms' findings kept with a file's checked state (desktop/core/kept_findings.py), on the real
published forms and 决算 tables of seed 001: a reopened file shows them without the forms' engine, they
equal a full check, every later change is told as after a full check, and anything that could make them
differ from a full check (another program's write, a copy, a changed program or language, damaged kept
bytes, a write that did not pass the engine) gets a full check instead."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import seed_path

from desktop.core import kept_findings
from desktop.core.change import Change
from desktop.core.document.checked import remember_checked, state_as_left
from desktop.core.formats.dump import load_dump
from desktop.core.formats.published import convert_published
from desktop.core.jixiao import book as forms_engine
from desktop.core.jixiao.seeds import convert_forms, load_forms
from desktop.core.load_ahead import engines_needed
from desktop.core.narrative import book as narrative_checker
from desktop.core.session import Session

WHO = "测试员"
PROJECT_SPENDING = ("zhichu", "total", "xm")  # 项目支出, which the forms' 执行数 is checked against


def _as_left_by_a_window(path: Path) -> None:
    """Open, look at every finding and close, as a clerk's window does."""
    session = Session.open(path, who=WHO)
    session.findings()
    session.close()


@pytest.fixture(autouse=True)
def records_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GONGKAI_NO_CACHE", raising=False)


@pytest.fixture
def seed001(tmp_path: Path) -> Path:
    data = json.loads(seed_path("001_0f45429440d9ca6e").read_text(encoding="utf-8"))
    path = tmp_path / "001.gkb"
    doc = load_dump(convert_published(data, None).dump, path, who=WHO)
    load_forms(doc, convert_forms(data), who=WHO)
    doc.close()
    _as_left_by_a_window(path)
    return path


@pytest.fixture
def with_text(seed001: Path) -> Path:
    """Seed 001 with its 情况说明 too (the text as published, with its real errors), as a window leaves it."""
    session = Session.open(seed001, who=WHO)
    session.narrative.import_text(seed_path("001_0f45429440d9ca6e").with_suffix(".txt").read_text(encoding="utf-8"),
                                  who=WHO)
    session.findings()
    session.close()
    return seed001


def _counting(monkeypatch: pytest.MonkeyPatch, cls: type) -> list[int]:
    built: list[int] = []
    real = cls.__init__

    def counting(self, *args, **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003
        built.append(1)
        real(self, *args, **kwargs)

    monkeypatch.setattr(cls, "__init__", counting)
    return built


@pytest.fixture
def engine_built(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times the forms' engine (a FormBook) was built."""
    return _counting(monkeypatch, forms_engine.FormBook)


@pytest.fixture
def checker_built(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times the 情况说明's checker (a NarrativeBook) was built."""
    return _counting(monkeypatch, narrative_checker.NarrativeBook)


def _full_check(path: Path, tmp_path: Path) -> list:
    """The findings of a copy of ``path`` (another file: checked in full)."""
    copy = tmp_path / f"copy-{len(list(tmp_path.iterdir()))}.gkb"
    shutil.copy2(path, copy)
    session = Session.open(copy, who=WHO)
    try:
        return session.findings()
    finally:
        session.close()


def test_a_reopened_file_shows_the_kept_findings_which_equal_a_full_check(seed001, tmp_path, engine_built):
    session = Session.open(seed001, who=WHO)
    found = session.findings()
    assert engine_built == []  # neither definitions nor rows nor checks of the forms were loaded
    assert [(fid, title) for fid, title in session.form_titles()][0] == (1, "医疗救助资金转移支付绩效目标自评表")
    session.close()
    assert found == _full_check(seed001, tmp_path)
    assert engine_built == [1]  # the copy had to be checked in full
    tables = {f.table for f in found}
    assert {"jixiao:1", "jixiao:2", "jixiao:3", "zhichu"} <= tables  # the forms' own findings and across
    assert any(f.rule_id == "jixiao.exec_vs_final_accounts" for f in found)


def _kept_and_full(path: Path, tmp_path: Path, edit: Callable[[Session], Change],
                   then: Callable[[], None] = lambda: None) -> tuple[list[Change], list[list]]:
    """The same ``edit`` after a start that shows the kept findings (``then`` runs right after it) and after a
    full check of a copy: the changes told, and every finding afterwards."""
    copy = tmp_path / "full.gkb"
    shutil.copy2(path, copy)
    changes, after = [], []
    for opened in (path, copy):
        session = Session.open(opened, who=WHO)
        session.findings()
        changes.append(edit(session))
        if opened == path:
            then()
        after.append(session.findings())
        session.close()
    return changes, after


def test_a_table_edit_after_a_kept_start_is_told_as_after_a_full_check(seed001, tmp_path):
    # 40,000,000.00 元 as an import sets a total: the forms' 35,629,400.00 元 no longer exceed it
    (kept, full), after = _kept_and_full(seed001, tmp_path, lambda session: session.set_values(
        {PROJECT_SPENDING: 4_000_000_000}, who=WHO, allow_derived=True))
    assert sorted(f.key for f in kept.added) == sorted(f.key for f in full.added)
    assert sorted(kept.removed) == sorted(full.removed)
    assert any(key.startswith("jx") for key in kept.removed)  # the forms' check across tables went
    assert after[0] == after[1]


def test_a_form_edit_and_its_undo_after_a_kept_start_are_told_as_after_a_full_check(seed001, tmp_path):
    copy = tmp_path / "full.gkb"
    shutil.copy2(seed001, copy)
    told = []
    for path in (seed001, copy):
        session = Session.open(path, who=WHO)
        before = session.findings()
        published = []
        session.subscribe(published.append)
        session.forms.set_field(1, "grade", "优", who=WHO)
        edited = session.findings()
        undone = session.undo(who=WHO)
        told.append((published[0], edited, session.findings(), before, undone))
        session.close()
    (kept_change, kept_edited, kept_undone, kept_before, kept_undo), (full_change, full_edited, full_undone, *_) = told
    assert sorted(f.key for f in kept_change.added) == sorted(f.key for f in full_change.added) != []
    assert kept_edited == full_edited != kept_before
    assert kept_undone == full_undone == kept_before
    assert sorted(f.key for f in kept_undo.added) == sorted(f.key for f in kept_change.removed)


def test_a_file_changed_by_another_program_is_checked_in_full(seed001, tmp_path, engine_built):
    with sqlite3.connect(seed001) as conn:
        conn.execute("UPDATE jx_form SET title = '改过的标题' WHERE id = 1")
    conn.close()
    session = Session.open(seed001, who=WHO)
    found = session.findings()
    assert engine_built == [1]
    assert session.form_titles()[0] == (1, "改过的标题")
    session.close()
    assert found == _full_check(seed001, tmp_path)


@pytest.mark.parametrize("spoil", ["language", "module", "bytes"])
def test_findings_another_program_language_or_damage_may_have_made_are_not_shown(seed001, tmp_path, monkeypatch,
                                                                                   engine_built, spoil):
    if spoil == "language":
        monkeypatch.setattr(kept_findings, "active_language", lambda: "zh_TW")
    elif spoil == "module":  # a core module changed since: its size, time or name no longer match
        kept_findings._files_stamp.cache_clear()
        monkeypatch.setattr(kept_findings, "_files_stamp", lambda modules: "another build")
    else:
        remember_checked(seed001, b"\x93not the kept layout")
    assert state_as_left(seed001) is not None  # the file itself is still as this program left it
    session = Session.open(seed001, who=WHO)
    found = session.findings()
    session.close()
    assert engine_built == [1]
    assert found == _full_check(seed001, tmp_path)


def test_a_close_keeps_them_without_loading_an_engine_while_no_change_touched_them(with_text, tmp_path,
                                                                                   engine_built, checker_built):
    session = Session.open(with_text, who=WHO)
    session.findings()
    session.close()  # nothing written: what was kept still holds, and is kept again
    session = Session.open(with_text, who=WHO)
    session.findings()
    session.review.comment("zhichu", "请核对项目支出", who=WHO)  # a 批注: no finding moves
    cell = ("xinxi_tongji", "car_8", "value")  # a figure neither the forms nor the text read
    session.set_values({cell: session.engine.values[cell] + 100}, who=WHO)
    session.close()  # keeps the findings as told: no change touched what their checks read
    assert checker_built == [] and engine_built == [1]  # the table edit re-checked the forms across tables
    assert engines_needed(with_text) == set()
    session = Session.open(with_text, who=WHO)
    found = session.findings()
    session.close()
    assert checker_built == [] and engine_built == [1]
    assert found == _full_check(with_text, tmp_path)


def test_a_start_loads_the_forms_engine_only_without_kept_findings(seed001, tmp_path):
    assert engines_needed(seed001) == set()
    copy = tmp_path / "received.gkb"
    shutil.copy2(seed001, copy)  # a file received or copied: another inode, no record
    assert engines_needed(copy) == {"forms"}


def test_findings_first_asked_after_an_edit_are_a_full_check(seed001, tmp_path, engine_built):
    session = Session.open(seed001, who=WHO)  # a command line edits first, then reports
    session.set_values({PROJECT_SPENDING: 4_000_000_000}, who=WHO, allow_derived=True)
    found = session.findings()
    session.close()
    assert engine_built == [1]
    assert found == _full_check(seed001, tmp_path)
    assert "jixiao.exec_vs_final_accounts" not in {f.rule_id for f in found}


def test_a_command_that_never_looks_keeps_them_only_if_it_wrote_nothing(seed001, engine_built):
    Session.open(seed001, who=WHO).close()  # e.g. an export: reads, writes nothing, asks for no finding
    assert engines_needed(seed001) == set()
    session = Session.open(seed001, who=WHO)  # an edit by a command that reports nothing
    session.set_values({PROJECT_SPENDING: 4_000_000_000}, who=WHO, allow_derived=True)
    session.close()
    assert engines_needed(seed001) == {"forms"}
    assert engine_built == []


def test_the_text_s_findings_are_kept_too(with_text, tmp_path, engine_built, checker_built):
    session = Session.open(with_text, who=WHO)
    found = session.findings()
    session.close()
    assert engine_built == checker_built == []
    assert found == _full_check(with_text, tmp_path)
    assert {f.rule_id for f in found if f.table == "narrative"} >= {"narrative.tie", "narrative.grade"}


@pytest.mark.parametrize(("cell", "text_reads_it"), [
    (("xinxi_tongji", "car_8", "value"), False),  # a count of vehicles, which the 情况说明 does not state
    (PROJECT_SPENDING, True),  # 项目支出, which the 情况说明 states
])
def test_a_table_edit_after_a_kept_start_re_checks_the_text_only_if_it_read_the_cell(
        with_text, tmp_path, checker_built, cell, text_reads_it):
    built_by_edit: list[int] = []

    def edit(session: Session) -> Change:
        checker_built.clear()
        return session.set_values({cell: session.engine.values[cell] + 100}, who=WHO, allow_derived=True)

    (kept, full), after = _kept_and_full(with_text, tmp_path, edit, lambda: built_by_edit.extend(checker_built))
    assert built_by_edit == ([1] if text_reads_it else [])
    assert sorted(f.key for f in kept.added) == sorted(f.key for f in full.added)
    assert sorted(kept.removed) == sorted(full.removed)
    assert after[0] == after[1]
    assert any(key.startswith("narrative") for key in kept.removed + [f.key for f in kept.added]) == text_reads_it


def test_a_text_edit_after_a_kept_start_is_told_as_after_a_full_check(with_text, tmp_path):
    def edit(session: Session) -> Change:
        published: list[Change] = []
        session.subscribe(published.append)
        session.narrative.set_part("shuoming", "一、部门职责\n本部门2022年度收入合计100万元。", who=WHO)
        return published[0]

    (kept, full), after = _kept_and_full(with_text, tmp_path, edit)
    assert sorted(f.key for f in kept.added) == sorted(f.key for f in full.added)
    assert sorted(kept.removed) == sorted(full.removed) != []  # the published text's findings went with it
    assert after[0] == after[1]
