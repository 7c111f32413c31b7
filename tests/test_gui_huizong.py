"""The 汇总 menu and the 批量审核 window (pytest-qt, offscreen): consolidate in the background, trace a 汇总,
and a folder checked with rows, details and a report; nothing in the folder written."""

from __future__ import annotations

import os

import pytest

pytest.importorskip("PySide6")
from hostile.harness import snapshot  # noqa: E402
from huizong_units import three_units  # noqa: E402
from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox  # noqa: E402

from desktop.core.huizong.build import build_huizong  # noqa: E402
from desktop.gui import huizong_actions  # noqa: E402
from desktop.gui.batch_view import BatchView  # noqa: E402


@pytest.fixture
def app(qtbot, tmp_path, messages):
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    from desktop.gui.app import Application, make_qapplication

    application = Application(make_qapplication())
    yield application
    for win in list(application.windows):
        win.close()


def test_the_menu_consolidates_in_the_background_and_traces(qtbot, app, tmp_path, monkeypatch) -> None:
    units = three_units(tmp_path)
    out = tmp_path / "部门.gkb"
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(u) for u in units], ""))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("某部门", True))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    win = app.open_path(units[0], mode="edit")
    qtbot.addWidget(win)
    assert "汇总(&U)" in [a.text() for a in win.menuBar().actions()]
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(huizong_actions, "show_text", lambda parent, title, text: shown.append((title, text)))
    huizong_actions.consolidate(win)
    qtbot.waitUntil(lambda: bool(shown), timeout=20000)
    assert out.exists() and "某部门，3 个单位" in shown[0][1]
    opened = [w for w in app.windows if w.controller.session.doc.path == out]
    assert opened, "the 汇总 was offered and opened"
    huizong_actions.trace(opened[0])
    qtbot.waitUntil(lambda: len(shown) == 2, timeout=20000)
    assert shown[1][0] == "追溯到单位文件" and "乙单位（乙.gkb）" in shown[1][1]


def test_trace_on_a_unit_document_says_it_is_not_a_huizong(qtbot, app, tmp_path, monkeypatch) -> None:
    units = three_units(tmp_path)
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text, *a, **k: said.append(text))
    win = app.open_path(units[0], mode="edit")
    qtbot.addWidget(win)
    menu = next(a.menu() for a in win.menuBar().actions() if a.text() == "汇总(&U)")
    next(a for a in menu.actions() if a.text() == "追溯到单位文件").trigger()  # what it does loads now
    assert said and "不是汇总文件" in said[0]


def test_batch_view_lists_every_file_with_details_and_exports(qtbot, tmp_path, monkeypatch) -> None:
    folder = tmp_path / "收件"
    folder.mkdir()
    three_units(folder)
    build_huizong(folder / "汇总.gkb", sorted(folder.glob("*.gkb")), name="某部门")
    (folder / "坏.gkb").write_bytes(b"SQLite format 3\x00" + b"\x00" * 50)
    os.mkfifo(folder / "管道.gkb")
    (folder / "表.xlsx").write_bytes(b"PK")
    before = snapshot(folder)
    view = BatchView(folder)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: view.export.isEnabled(), timeout=30000)
    model = view.model
    names = [model.rows[r].name for r in range(model.rowCount())]
    assert names == ["丙.gkb", "乙.gkb", "坏.gkb", "汇总.gkb", "甲.gkb", "管道.gkb", "表.xlsx"] or \
        sorted(names) == sorted(["丙.gkb", "乙.gkb", "坏.gkb", "汇总.gkb", "甲.gkb", "管道.gkb", "表.xlsx"])
    verdicts = {model.rows[r].name: model.index(r, 3).data() for r in range(model.rowCount())}
    assert verdicts["坏.gkb"] == "无法打开" and verdicts["管道.gkb"] == "无法打开" and verdicts["表.xlsx"] == "未审核"
    assert verdicts["乙.gkb"] == "有错误"
    hz = names.index("汇总.gkb")
    assert "汇总 3 个单位" in model.index(hz, 2).data()
    view.table.selectRow(names.index("坏.gkb"))
    assert "不完整" in view.details.toPlainText() or "损坏" in view.details.toPlainText()
    view.table.selectRow(names.index("乙.gkb"))
    assert "[错误]" in view.details.toPlainText()
    assert "共 7 个文件" in view.status.text()
    target = tmp_path / "报告.html"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    view.export_report()
    assert target.exists() and "坏.gkb" in target.read_text(encoding="utf-8")
    if os.environ.get("GONGKAI_SCREENSHOTS"):
        view.resize(1400, 700)
        view.grab().save(os.path.join(os.environ["GONGKAI_SCREENSHOTS"], "12_batch_review.png"))
    assert snapshot(folder) == before
    view.close()
