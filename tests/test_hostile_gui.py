"""Every hostile input of the corpus (tests/hostile/kinds_*.py) through the window's open path — the one
behind the welcome window, 文件 → 打开, recent files and ``gongkai open FILE`` — and workbooks through
文件 → 导入 Excel. Each must give a Chinese dialog: no exception escapes, the input's bytes are unchanged,
nothing new appears beside it (no partial output, no lock left behind)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytest.importorskip("PySide6")
from hostile.harness import Kind, deadline, snapshot  # noqa: E402
from PySide6.QtCore import QSettings  # noqa: E402
from test_hostile_corpus import KINDS  # noqa: E402

CHINESE = re.compile(r"[\u4e00-\u9fff]")
OPENED = [k for k in KINDS if k.gui and k.category in ("gkb", "lock", "special")]
IMPORTED = [k for k in KINDS if k.gui and k.category == "workbook"]


@pytest.fixture
def app(qtbot, tmp_path, messages, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # where crashlog writes
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    from desktop.gui.app import Application, make_qapplication

    application = Application(make_qapplication())
    yield application
    for window in list(application.windows):
        window.close()


def _editable(kind: Kind) -> bool:
    """The corpus says the command line may edit this file (exit 0 on a writing command): not refused."""
    return any(run.may_write and 0 in run.exit_codes for run in kind.runs)


def _importable(kind: Kind) -> bool:
    """The corpus says ``gongkai import`` reads this workbook (with a report): the window must too."""
    return any(run.argv[0] == "import" and 0 in run.exit_codes for run in kind.runs)


def told_in_chinese(messages: list[str], kind: Kind) -> None:
    assert messages, f"{kind.name}: nothing was shown"
    assert CHINESE.search(messages[-1]), messages[-1]
    assert "内部错误" not in messages[-1], f"{kind.name} reached the last resort: {messages[-1]}"
    for word in kind.words:
        assert word in messages[-1], (word, messages[-1])


@pytest.mark.parametrize("kind", OPENED, ids=[k.name for k in OPENED])
def test_a_hostile_document_gives_a_chinese_dialog_and_changes_nothing(kind: Kind, app, messages, tmp_path: Path):
    folder = tmp_path / "input"
    folder.mkdir()
    source = kind.build(folder)
    before = snapshot(folder)
    with deadline(20):
        window = app.open_path(source, mode="edit")
    if _editable(kind):  # e.g. a stale lock: the command line edits it too, so the window may take it over
        assert window is not None, f"{kind.name}: not opened: {messages}"
        window.close()
        return
    if window is not None:  # a lock held by a colleague may open read-only: then the window says so
        assert window.session.doc.readonly, f"{kind.name}: opened for editing"
        told = [window.banner.text()] if window.banner.isVisible() else messages
        told_in_chinese(told, kind)
        window.close()
    else:
        told_in_chinese(messages, kind)
    assert snapshot(folder) == before, f"{kind.name}: the folder changed"


@pytest.mark.parametrize("kind", IMPORTED, ids=[k.name for k in IMPORTED])
def test_a_hostile_workbook_gives_a_chinese_dialog_and_creates_nothing(kind: Kind, app, messages, tmp_path: Path):
    from desktop.gui.excel_actions import import_excel

    folder, elsewhere = tmp_path / "input", tmp_path / "elsewhere"
    folder.mkdir()
    elsewhere.mkdir()
    source = kind.build(folder)
    before = snapshot(folder)
    with deadline(20):
        created = import_excel(None, "测试员", source=source, target=elsewhere / "导入.gkb")
    if _importable(kind):  # read, with a report of every formula cell and anything left out
        assert created == elsewhere / "导入.gkb" and created.exists(), f"{kind.name}: not imported: {messages}"
        assert messages and "已由" in messages[-1], messages
        if "formula" in kind.name:
            assert "公式" in messages[-1] and re.search(r"单元格 [A-Z]+\d+", messages[-1]), messages[-1]
        assert snapshot(folder) == before
        return
    assert created is None, f"{kind.name}: a document was created"
    told_in_chinese(messages, kind)
    assert snapshot(folder) == before and list(elsewhere.iterdir()) == []


def test_an_unexpected_error_while_opening_is_a_dialog_not_a_crash(app, messages, monkeypatch, tmp_path):
    from desktop.core.demo import build_demo
    from desktop.core.session import Session

    path = build_demo(tmp_path / "demo.gkb")

    def broken(*args, **kwargs):
        raise RuntimeError("unforeseen")
    monkeypatch.setattr(Session, "open", broken)
    assert app.open_path(path) is None
    assert messages and "内部错误" in messages[-1]
