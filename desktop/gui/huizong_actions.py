"""What the 汇总 menu does (:mod:`.huizong_menu` builds it): 汇总单位文件…, 追溯到单位文件 (for a 汇总 document)
and 批量审核文件夹….

The work runs on a :class:`QThread` with a progress dialog, through the Qt-free core
(:mod:`desktop.core.huizong`); the unit files are only read.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QInputDialog,
    QMessageBox,
    QPlainTextEdit,
    QProgressDialog,
    QVBoxLayout,
    QWidget,
)

from ..core.crashlog import internal_error_message
from ..core.document import DocumentError
from ..core.huizong import HuizongError
from ..core.i18n import tr
from .app_name import APP_NAME


class _Job(QThread):
    """One core call off the GUI thread; the call gets a ``progress(done, total, name)`` callback."""

    moved = Signal(int, int, str)
    done = Signal(object)
    failed = Signal(str)

    def __init__(self, work: Callable[[Callable[[int, int, str], None]], Any], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.work = work

    def run(self) -> None:
        try:
            result = self.work(lambda d, t, name: self.moved.emit(d, t, str(name)))
        except (HuizongError, DocumentError) as exc:
            self.failed.emit(str(exc))
        except Exception as exc:  # noqa: BLE001 - a message, never a crash of the window
            self.failed.emit(internal_error_message(exc))
        else:
            self.done.emit(result)


def _run(parent: QWidget, title: str, work: Callable[[Callable[[int, int, str], None]], Any],
         finished: Callable[[Any], None]) -> _Job:
    """Run ``work`` in the background with a progress dialog; ``finished`` gets its result."""
    dialog = QProgressDialog(title, "", 0, 0, parent)
    dialog.setWindowTitle(tr(APP_NAME))
    dialog.setCancelButton(None)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(0)
    job = _Job(work, parent)

    def moved(done: int, total: int, name: str) -> None:
        dialog.setRange(0, total)
        dialog.setValue(done)
        dialog.setLabelText(f"{title}\n{done}/{total}：{name}")

    def failed(message: str) -> None:
        dialog.close()
        QMessageBox.warning(parent, tr(APP_NAME), message)

    def done(result: Any) -> None:
        dialog.close()
        finished(result)

    job.moved.connect(moved)
    job.failed.connect(failed)
    job.done.connect(done)
    dialog.show()
    job.start()
    parent._huizong_job = job  # type: ignore[attr-defined] # kept alive while it runs
    return job


def show_text(parent: QWidget, title: str, text: str) -> QDialog:
    """A read-only text window (what moved, a trace), copyable."""
    dialog = QDialog(parent)
    dialog.setWindowTitle(f"{title} — {tr(APP_NAME)}")
    view = QPlainTextEdit(text)
    view.setReadOnly(True)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addWidget(view)
    layout.addWidget(buttons)
    dialog.resize(980, 560)
    dialog.show()
    return dialog


def consolidate(window: QWidget) -> None:
    """Ask for the unit files, the 汇总 file and the 部门名称; build it and offer to open it."""
    units, _ = QFileDialog.getOpenFileNames(window, tr("选择要汇总的单位文件"), "", tr("公开表文档 (*.gkb)"))
    if not units:
        return
    default = str(Path(units[0]).parent / tr("部门汇总.gkb"))
    out, _ = QFileDialog.getSaveFileName(window, tr("汇总文件保存为"), default, tr("公开表文档 (*.gkb)"))
    if not out:
        return
    out_path = Path(out if out.lower().endswith(".gkb") else out + ".gkb")
    name, ok = QInputDialog.getText(window, tr(APP_NAME), tr("部门名称（汇总文件的单位名称）："), text=out_path.stem)
    if not ok:
        return
    from ..core.huizong.build import build_huizong
    from . import settings as app_settings

    def work(progress: Callable[[int, int, str], None]) -> Any:
        return build_huizong(out_path, [Path(u) for u in units], name=name, who=app_settings.user_name(),
                             progress=progress)

    def finished(result: Any) -> None:
        lines = [tr("已生成汇总文件 {path}（{name}，{units_count} 个单位）。", path=result.path, name=result.provenance.name, units_count=len(result.provenance.units))]
        lines += [tr("说明：{n}", n=n) for n in result.notes]
        if result.moves is not None:
            lines += result.moves.lines()
        show_text(window, tr("汇总完成"), "\n".join(lines))
        hooks = getattr(window, "hooks", None)
        opener = getattr(hooks, "open_path", None)
        if opener is not None and QMessageBox.question(window, tr(APP_NAME), tr("打开汇总文件？")) == QMessageBox.StandardButton.Yes:
            opener(result.path, window)

    _run(window, tr("正在汇总单位文件…"), work, finished)


def trace(window: QWidget) -> None:
    """For a 汇总 document: which unit file each finding came from."""
    controller = getattr(window, "controller", None)
    if controller is None:
        return
    path = controller.session.doc.path
    from ..core.huizong.provenance import read_provenance  # with the menu item: not at start

    try:
        is_huizong = read_provenance(controller.session.doc.meta) is not None
    except HuizongError as exc:
        QMessageBox.warning(window, tr(APP_NAME), str(exc))
        return
    if not is_huizong:
        QMessageBox.information(window, tr(APP_NAME), tr("当前文档不是汇总文件。请先用“汇总单位文件…”生成汇总文件，再追溯。"))
        return
    from ..core.huizong.trace import trace_huizong

    _run(window, tr("正在追溯到单位文件…"), lambda progress: trace_huizong(path, progress),
         lambda report: show_text(window, tr("追溯到单位文件"), report.text()))


def batch(window: QWidget) -> QWidget:
    """Open the 批量审核 window."""
    from .batch_view import BatchView

    view = BatchView(parent=window)
    view.show()
    return view

