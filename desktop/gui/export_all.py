"""文件 → 导出 Excel: the 公开表, the 绩效 forms and (optionally) a 审核情况 sheet in one workbook.

The figures are read on the GUI thread (the document's SQLite connection lives there) into plain data; the
workbook is built on a worker thread while a progress dialog with 取消 keeps the window alive. A cancelled or
failed export writes nothing: an existing file at the target stays as it was.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDialog,
    QFileDialog,
    QLabel,
    QMessageBox,
    QProgressDialog,
    QVBoxLayout,
    QWidget,
)

from ..core.formats.errors import ExportError
from ..core.formats.forms_xlsx_export import book_forms
from ..core.formats.xlsx_export import ExportCancelled, build_workbook, write_atomically
from ..core.i18n import tr
from ..core.session import Session
from .app_name import APP_NAME
from .dialogs import _ok_cancel
from .times import short_time


@dataclass
class ExportChoice:
    tables: bool = True
    forms: bool = True
    review: bool = False


@dataclass
class ExportJob:
    """Everything the workbook needs, read from the document beforehand (no database access on the worker)."""

    args: tuple
    kwargs: dict[str, Any] = field(default_factory=dict)
    sheets: int = 0


def default_path(session: Session) -> Path:
    meta = session.doc.meta
    unit = meta.get("unit_name", tr("公开表"))
    return session.doc.path.with_name(tr("{unit}-{year}-公开表.xlsx", unit=unit, year=meta.get("year", "")))


def review_rows(session: Session, findings: list) -> list[tuple[str, ...]]:  # noqa: ANN001 - Finding
    """One row per table and form: name, state, who, when, 退回原因, 批注 (with replies), 出错说明."""
    keys = [t.key for t in session.tset.tables]
    if session.has_forms():
        keys += [f"jixiao:{f.id}" for f in session.forms.forms()]
    explanations = session.doc.explanations()
    rows = []
    for key in keys:
        record = session.review.state(key)
        notes = []
        for thread in session.review.threads(key):
            where = session.review.place(key, thread.first.row, thread.first.col, short=True) \
                if thread.first.row else ""
            said = "；".join(f"{c.author}：{c.text}" for c in thread.comments)
            resolved = tr("（已解决）") if thread.resolved else ""
            notes.append(f"{where + ' ' if where else ''}{said}{resolved}")
        explained = [f"{f.message} —— {explanations[f.key].get('text', '')}" for f in findings
                     if f.table == key and f.key in explanations]
        rows.append((session.review.table_name(key), record.state.label, record.who, short_time(record.at),
                     record.reason, "\n".join(notes), "\n".join(explained)))
    return rows


def prepare(session: Session, choice: ExportChoice, findings: list) -> ExportJob:  # noqa: ANN001
    """Read what the chosen parts need; refuses (ExportError) when nothing would be exported."""
    doc = session.doc
    forms = book_forms(session.forms) if choice.forms and session.has_forms() else []
    table_keys = None if choice.tables else []
    if not choice.tables and not forms and not choice.review:
        raise ExportError(tr("没有可导出的内容：请至少选择公开表，或文档中要有绩效表。"))
    review = review_rows(session, findings) if choice.review else None
    sheets = (len(session.tset.tables) if choice.tables else 0) + len(forms)
    return ExportJob((session.tset, doc.meta, doc.values(), doc.floating_rows(), table_keys),
                     {"forms": forms, "review": review}, sheets)


def run_with_progress(parent: QWidget | None, label: str, total: int,
                      work: Callable[[Callable[[], bool]], Any]) -> Any:
    """Run ``work(step)`` on a worker thread with a progress dialog; ``step()`` counts one unit and returns
    False once 取消 was pressed. Returns the result, or raises what ``work`` raised."""
    progress = QProgressDialog(label, tr("取消"), 0, max(total, 1), parent)
    progress.setWindowTitle(tr(APP_NAME))
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    progress.setMinimumDuration(300)
    progress.setValue(0)
    state: dict[str, Any] = {"done": 0, "cancel": False}

    def step() -> bool:
        state["done"] += 1
        return not state["cancel"]

    def target() -> None:
        try:
            state["result"] = work(step)
        except BaseException as exc:  # noqa: BLE001 - handed to the GUI thread below
            state["error"] = exc

    worker = threading.Thread(target=target, name="gongkai-export", daemon=True)
    worker.start()
    loop = QEventLoop()
    timer = QTimer()
    timer.setInterval(50)

    def poll() -> None:
        if progress.wasCanceled():
            state["cancel"] = True
        progress.setValue(min(state["done"], progress.maximum() - 1))
        if not worker.is_alive():
            loop.quit()

    timer.timeout.connect(poll)
    timer.start()
    if worker.is_alive():
        loop.exec()
    timer.stop()
    worker.join()
    progress.reset()
    progress.close()
    if "error" in state:
        raise state["error"]
    return state.get("result")


def run_on_gui_with_progress(parent: QWidget | None, label: str, total: int,
                             work: Callable[[Callable[[], bool]], Any]) -> Any:
    """Run ``work(step)`` here (painting must stay on the GUI thread) with a progress dialog; ``step()``
    advances it, keeps the window responsive and returns False once 取消 was pressed."""
    progress = QProgressDialog(label, tr("取消"), 0, max(total, 1), parent)
    progress.setWindowTitle(tr(APP_NAME))
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    progress.setMinimumDuration(300)
    done = [0]

    def step() -> bool:
        done[0] += 1
        progress.setValue(min(done[0], progress.maximum()))
        QApplication.processEvents()
        return not progress.wasCanceled()

    try:
        return work(step)
    finally:
        progress.reset()
        progress.close()


class ExportDialog(QDialog):
    """What goes into the workbook: 公开表, 绩效表, 审核情况."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("导出 Excel"))
        self.tables = QCheckBox(tr("公开表（{tables_count} 张，按公开格式）", tables_count=len(session.tset.tables)))
        self.tables.setChecked(True)
        forms = len(session.forms.forms()) if session.has_forms() else 0
        self.forms = QCheckBox(tr("绩效表（{forms} 张，按印制格式）", forms=forms))
        self.forms.setChecked(forms > 0)
        self.forms.setEnabled(forms > 0)
        self.review = QCheckBox(tr("审核情况（各表状态、审核人、退回原因、批注、出错说明）"))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(tr("导出到一个 Excel 工作簿，每张表一个工作表：")))
        for box in (self.tables, self.forms, self.review):
            layout.addWidget(box)
        layout.addWidget(_ok_cancel(self, tr("导出…"), self.accept))

    def choice(self) -> ExportChoice:
        return ExportChoice(self.tables.isChecked(), self.forms.isChecked(), self.review.isChecked())


def export_all(window, target: Path | None = None, choice: ExportChoice | None = None) -> Path | None:  # noqa: ANN001
    """Ask what and where (unless given), export with progress and 取消, say where it went."""
    session = window.session
    if choice is None:
        dialog = ExportDialog(session, window)
        if not dialog.exec():
            return None
        choice = dialog.choice()
    if target is None:
        chosen, _ = QFileDialog.getSaveFileName(window, tr("导出 Excel"), str(default_path(session)),
                                                tr("Excel 工作簿 (*.xlsx)"))
        if not chosen:
            return None
        target = Path(chosen if chosen.lower().endswith(".xlsx") else chosen + ".xlsx")
    try:
        job = prepare(session, choice, list(window.controller.findings))
        data = run_with_progress(window, tr("正在导出 Excel…"), job.sheets,
                                 lambda step: build_workbook(*job.args, **job.kwargs, step=step))
        write_atomically(data, target)
    except ExportCancelled as exc:
        window.statusBar().showMessage(str(exc), 8000)
        return None
    except (ExportError, OSError, ValueError) as exc:
        QMessageBox.warning(window, tr(APP_NAME), tr("导出失败，原有文件未改动：{exc}", exc=exc))
        return None
    QApplication.processEvents()
    window.statusBar().showMessage(tr("已导出到 {target}", target=target), 10000)
    QMessageBox.information(window, tr(APP_NAME), tr("已导出 {sheets} 张表到\n{target}", sheets=job.sheets, target=target))
    return target
