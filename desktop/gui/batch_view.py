"""批量审核: every .gkb of a folder checked in the background, one row per file, details on demand.

The model is a thin cache over :func:`desktop.core.huizong.batch.run_batch` rows; the work runs in a
:class:`QThread` (worker processes underneath for big folders), progress arrives by signal, and the
window never freezes. Files are opened read-only by the core; nothing in the folder is written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QThread,
    Signal,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..core.crashlog import internal_error_message
from ..core.huizong import HuizongError
from ..core.huizong.batch import FileRow, run_batch
from ..core.huizong.batch_report import COLUMNS, report_cells, summary_line, write_report
from ..core.i18n import N_, tr
from .app_name import APP_NAME

Index = QModelIndex | QPersistentModelIndex
VERDICT_COLOURS = {"有错误": QColor("#fde2e1"), "有提示": QColor("#fff4ce"), "无法打开": QColor("#f3d6f5"),
                   "未审核": QColor("#eeeeee")}
SHOWN = (N_("文件"), N_("单位名称"), N_("表套"), N_("结论"), N_("错误"), N_("提示"), N_("尾数误差"), N_("审核状态"), N_("封签"), N_("说明"))


class BatchModel(QAbstractTableModel):
    """One row per file; columns named as in the report."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[FileRow] = []

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt's signature
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(SHOWN)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return tr(SHOWN[section])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            values = dict(zip(COLUMNS, report_cells(row), strict=True))
            return str(values[SHOWN[index.column()]])
        if role == Qt.ItemDataRole.BackgroundRole:
            return VERDICT_COLOURS.get(row.verdict)
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.reason or "\n".join(row.details[:5]) or None
        return None

    def add(self, row: FileRow) -> None:
        self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows))
        self.rows.append(row)
        self.endInsertRows()

    def reset(self, rows: list[FileRow]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()


class BatchWorker(QThread):
    """Runs the batch off the GUI thread; ``stop()`` ends it after the file in hand."""

    checked = Signal(int, int, object)
    done = Signal(object)
    failed = Signal(str)

    def __init__(self, folder: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.folder, self._stop = folder, False

    def stop(self) -> None:
        self._stop = True

    def run(self) -> None:
        try:
            rows = run_batch(self.folder, progress=lambda d, t, r: self.checked.emit(d, t, r), stop=lambda: self._stop)
        except HuizongError as exc:
            self.failed.emit(str(exc))
        except Exception as exc:  # noqa: BLE001 - shown as a message, never a crash of the window
            self.failed.emit(internal_error_message(exc))
        else:
            self.done.emit(rows)


class BatchView(QWidget):
    """The 批量审核 window: choose a folder, watch the rows arrive, export the report."""

    def __init__(self, folder: Path | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle(tr("批量审核 — {app}", app=tr(APP_NAME)))
        self.model = BatchModel(self)
        self.worker: BatchWorker | None = None
        self.folder: Path | None = None
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSortingEnabled(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)
        self.table.selectionModel().currentRowChanged.connect(self._show_details)
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.details.setPlaceholderText(tr("选中一个文件，这里显示它的审核结果。"))
        self.progress = QProgressBar()
        self.status = QLabel(tr("请选择存放单位文件（.gkb）的文件夹。"))
        self.choose = QPushButton(tr("选择文件夹…"))
        self.choose.clicked.connect(self.choose_folder)
        self.cancel = QPushButton(tr("停止"))
        self.cancel.setEnabled(False)
        self.cancel.clicked.connect(self.stop)
        self.export = QPushButton(tr("导出报告…"))
        self.export.setEnabled(False)
        self.export.clicked.connect(self.export_report)
        buttons = QHBoxLayout()
        for w in (self.choose, self.cancel, self.export):
            buttons.addWidget(w)
        buttons.addWidget(self.progress, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.details)
        split.setSizes([520, 160])
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addWidget(split, 1)
        self.resize(1280, 760)
        if folder is not None:
            self.start(folder)

    def choose_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, tr("选择存放单位文件的文件夹"))
        if chosen:
            self.start(Path(chosen))

    def start(self, folder: Path) -> None:
        """Check every file of ``folder`` in the background; rows appear as they are done."""
        if self.worker is not None and self.worker.isRunning():
            return
        self.folder = folder
        self.model.reset([])
        self.details.clear()
        self.progress.setRange(0, 0)
        self.status.setText(tr("正在审核 {folder} …（文件只读打开，不会被修改）", folder=folder))
        self.choose.setEnabled(False)
        self.export.setEnabled(False)
        self.cancel.setEnabled(True)
        self.worker = BatchWorker(folder, self)
        self.worker.checked.connect(self._checked)
        self.worker.done.connect(self._done)
        self.worker.failed.connect(self._failed)
        self.worker.start()

    def stop(self) -> None:
        if self.worker is not None:
            self.worker.stop()
            self.status.setText(tr("正在停止（当前文件审核完后停止）…"))

    def _checked(self, done: int, total: int, row: FileRow) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)
        self.model.add(row)

    def _done(self, rows: list[FileRow]) -> None:
        self.model.reset(rows)  # in name order, then the entries not checked
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        self.status.setText(summary_line(rows))
        self.table.resizeColumnsToContents()
        for column in range(self.model.columnCount() - 1):
            self.table.setColumnWidth(column, min(self.table.columnWidth(column), 320))
        self._idle()

    def _failed(self, message: str) -> None:
        self.status.setText(message)
        self._idle()
        QMessageBox.warning(self, tr(APP_NAME), message)

    def _idle(self) -> None:
        self.choose.setEnabled(True)
        self.cancel.setEnabled(False)
        self.export.setEnabled(bool(self.model.rows))

    def _show_details(self, current: QModelIndex, previous: QModelIndex) -> None:
        if not current.isValid() or current.row() >= len(self.model.rows):
            return
        row = self.model.rows[current.row()]
        lines = [tr("{name}（{unit}）：{verdict}", name=row.name, unit=row.unit_name or tr("未填单位名称"),
                    verdict=row.verdict)]
        if row.reason:
            lines.append(row.reason)
        if row.status == "ok":
            lines.append(tr("错误 {errors} 条，提示 {warnings} 条，尾数误差 {rounding} 条；{review}；{seal}", errors=row.errors, warnings=row.warnings, rounding=row.rounding, review=row.review, seal=row.seal))
        lines += row.details
        if row.more_details:
            lines.append(tr("……另有 {more_details} 条（含尾数误差），请打开该文件查看全部。", more_details=row.more_details))
        self.details.setPlainText("\n".join(lines))

    def export_report(self) -> None:
        if not self.model.rows or self.folder is None:
            return
        default = str(self.folder.parent / tr("{name}-批量审核.xlsx", name=self.folder.name))
        chosen, _ = QFileDialog.getSaveFileName(self, tr("导出报告"), default, tr("Excel 工作簿 (*.xlsx);;网页 (*.html)"))
        if not chosen:
            return
        target = Path(chosen)
        if target.suffix.lower() not in (".xlsx", ".html", ".htm"):
            target = target.with_suffix(".xlsx")
        try:
            write_report(self.model.rows, target, str(self.folder))
        except HuizongError as exc:
            QMessageBox.warning(self, tr(APP_NAME), str(exc))
            return
        self.status.setText(tr("报告已写入 {target}", target=target))

    def closeEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        if self.worker is not None and self.worker.isRunning():
            self.worker.stop()
            self.worker.wait(30000)
        super().closeEvent(event)
