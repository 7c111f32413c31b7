"""The 审核结果 panel: every finding with its severity, table and message; filter, jump, explain."""

from __future__ import annotations

from bisect import bisect_left
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..core.explain import ExplanationState
from ..core.i18n import N_, tr
from ..core.rules.findings import SEVERITY_LABELS, Finding
from . import style
from .controller import DocumentController
from .qt_values import chosen, index_value

Index = QModelIndex | QPersistentModelIndex
COLUMNS = (N_("类型"), N_("表"), N_("说明"), N_("出错说明"))
FINDING_ROLE = Qt.ItemDataRole.UserRole + 1
FILTER_ROLE = Qt.ItemDataRole.UserRole + 2  # "<severity>|<table>": what the panel's filter pattern matches


class FindingsModel(QAbstractTableModel):
    """All findings of the document, sorted as the controller keeps them. An edit inserts and removes only
    the rows it changed (the selection and the scroll position stay); a full re-check resets the list."""

    RESET_ABOVE = 400  # more changed rows than this in one go: one reset is cheaper than row signals

    def __init__(self, controller: DocumentController, parent: Any = None, *, follow: bool = True) -> None:
        """``follow``: apply the controller's changes by itself (False: its panel applies them, keeping the
        selection)."""
        super().__init__(parent)
        self.controller = controller
        self.items: list[Finding] = list(controller.findings)
        controller.explanationsChanged.connect(self._explanations_changed)
        if follow:
            controller.findingsReset.connect(self.refresh)
            controller.findingsDelta.connect(self.apply_delta)

    def refresh(self) -> None:
        new = list(self.controller.findings)
        if new == self.items:  # same findings (figures may differ only in other cells): repaint texts only
            if new:
                self.dataChanged.emit(self.index(0, 0), self.index(len(new) - 1, len(COLUMNS) - 1))
            return
        self.beginResetModel()
        self.items = new
        self.endResetModel()

    def apply_delta(self, gone: list[Finding], new: list[Finding]) -> None:
        """Remove the rows of ``gone`` and insert those of ``new`` at their sorted places; a finding that
        only changed its figures or text keeps its row (and the selection on it)."""
        if len(gone) + len(new) > self.RESET_ABOVE:
            self.refresh()
            return
        incoming = {f.key: f for f in new}
        in_place = {f.key for f in gone if f.key in incoming and incoming[f.key].severity == f.severity}
        for key in in_place:
            at = self._position(incoming[key])
            if at < len(self.items) and self.items[at].key == key:
                self.items[at] = incoming.pop(key)
                self.dataChanged.emit(self.index(at, 0), self.index(at, len(COLUMNS) - 1))
        for finding in gone:
            at = self._position(finding)
            if finding.key not in in_place and at < len(self.items) and self.items[at].key == finding.key:
                self.beginRemoveRows(QModelIndex(), at, at)
                del self.items[at]
                self.endRemoveRows()
        for finding in incoming.values():
            at = self._position(finding)
            if at < len(self.items) and self.items[at].key == finding.key:
                self.items[at] = finding
                self.dataChanged.emit(self.index(at, 0), self.index(at, len(COLUMNS) - 1))
                continue
            self.beginInsertRows(QModelIndex(), at, at)
            self.items.insert(at, finding)
            self.endInsertRows()

    def _position(self, finding: Finding) -> int:
        return bisect_left(self.items, finding.sort_key(), key=Finding.sort_key)

    def _explanations_changed(self, keys: set[str]) -> None:
        for at, finding in enumerate(self.items):
            if finding.key in keys:
                self.dataChanged.emit(self.index(at, 0), self.index(at, len(COLUMNS) - 1))

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return tr(COLUMNS[section])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        finding = self.items[index.row()]
        col = index.column()
        if role == FINDING_ROLE:
            return finding
        if role == FILTER_ROLE:
            return f"{finding.severity}|{finding.table}"
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return tr(SEVERITY_LABELS[finding.severity])
            if col == 1:
                return self.controller.caption(finding.table)
            if col == 2:
                return finding.message
            return self._explanation_text(finding)
        if role == Qt.ItemDataRole.ForegroundRole and col == 0:
            return style.SEVERITY_TEXT[finding.severity]
        if role == Qt.ItemDataRole.ToolTipRole and col in (2, 3):
            exp = self.controller.explanations.get(finding.key)
            return finding.message + (tr("\n出错说明（{author} {at}）：{text}", author=exp['author'], at=exp['at'], text=exp['text']) if exp else "")
        return None

    def _explanation_text(self, finding: Finding) -> str:
        state = self.controller.explanation(finding)
        if state is ExplanationState.NONE:
            return ""
        text = self.controller.explanations[finding.key]["text"]
        return f"{state.label}：{text}"


class FindingsFilter(QSortFilterProxyModel):
    """Filter by severity and by table: a pattern over each row's :data:`FILTER_ROLE` text, matched by Qt.

    With no filter chosen the pattern is empty and Qt accepts every row without asking the model; a filter
    method written in Python was called once per finding whenever the list was set or reset (219 calls at
    the start of a document with six 绩效 forms, 16,000 for a large 汇总)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setFilterRole(FILTER_ROLE)
        self.setFilterKeyColumn(0)

    def set_filter(self, severity: str | None, table: str | None) -> None:
        from PySide6.QtCore import QRegularExpression  # loaded when a filter is first chosen

        if severity is None and table is None:
            self.setFilterRegularExpression("")
            return
        wanted_severity = QRegularExpression.escape(severity) if severity is not None else "[^|]*"
        wanted_table = QRegularExpression.escape(table) if table is not None else ".*"
        self.setFilterRegularExpression(QRegularExpression(f"^{wanted_severity}\\|{wanted_table}$"))


class FindingsTable(QTableView):
    activatedFinding = Signal(object)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.activatedFinding.emit(index_value(self.currentIndex(), FINDING_ROLE))
            return
        super().keyPressEvent(event)


class FindingsPanel(QWidget):
    """The panel: filters, the list, a summary line and the 出错说明 button."""

    jumpRequested = Signal(object)  # Finding
    explainRequested = Signal(object)  # Finding

    def __init__(self, controller: DocumentController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.model = FindingsModel(controller, self, follow=False)
        self.proxy = FindingsFilter(self)
        self.proxy.setSourceModel(self.model)

        self.severity_box = QComboBox()
        self.severity_box.addItem(tr("全部类型"))  # no data: see chosen()
        for key, label in SEVERITY_LABELS.items():
            self.severity_box.addItem(tr(label), key)
        self.table_box = QComboBox()
        self.table_box.addItem(tr("全部表"))
        for table in controller.tset.tables:
            self.table_box.addItem(f"{table.label} {table.title}".strip(), table.key)
        for key in controller.form_keys():
            self.table_box.addItem(tr("绩效表 {caption}", caption=controller.caption(key)), key)
        self.summary = QLabel()
        self.explain_button = QPushButton(tr("填写出错说明…"))
        self.explain_button.setToolTip(tr("为选中的提示写明原因；说明保存在文件中，数字变动后标为过期"))
        self.explain_button.setEnabled(False)

        self.view = FindingsTable()
        # hidden before the model comes: a shown row header asks every row for its caption, font, icon and
        # size (800 calls into Python for 200 findings) to measure its width
        self.view.verticalHeader().hide()
        self.view.setModel(self.proxy)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setWordWrap(False)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)  # ResizeToContents would
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)  # measure every row per edit
        metrics = self.view.fontMetrics()
        header.resizeSection(0, metrics.horizontalAdvance(tr("尾数误差")) + 20)
        header.resizeSection(1, metrics.horizontalAdvance(tr("预算公开表10")) + 20)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(3, 180)

        bar = QHBoxLayout()
        bar.addWidget(self.severity_box)
        bar.addWidget(self.table_box)
        bar.addWidget(self.summary, 1)
        bar.addWidget(self.explain_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(self.view)

        self.severity_box.currentIndexChanged.connect(self._filter_changed)
        self.table_box.currentIndexChanged.connect(self._filter_changed)
        self.view.doubleClicked.connect(lambda index: self.jumpRequested.emit(index_value(index, FINDING_ROLE)))
        self.view.activatedFinding.connect(self.jumpRequested.emit)
        self.view.selectionModel().currentRowChanged.connect(self._current_changed)
        controller.findingsDelta.connect(self._apply_delta)
        controller.findingsReset.connect(self._reset)
        self.explain_button.clicked.connect(self._explain_clicked)
        controller.findingsChanged.connect(self._update_summary)
        self._update_summary()

    def _filter_changed(self) -> None:
        self.proxy.set_filter(chosen(self.severity_box), chosen(self.table_box))
        self._update_summary()

    def _update_summary(self) -> None:
        counts = {key: 0 for key in SEVERITY_LABELS}
        for per_table in self.controller.counts.values():  # kept by the controller as findings come and go
            for severity, count in per_table.items():
                counts[severity] += count
        text = "　".join(f"{label} {counts[key]}" for key, label in SEVERITY_LABELS.items())
        shown = self.proxy.rowCount()
        if shown != len(self.controller.findings):
            text += tr("（当前显示 {shown} 条）", shown=shown)
        text = text if self.controller.findings else tr("审核通过：没有发现问题")
        if self.summary.text() != text:
            self.summary.setText(text)
        self._current_changed(self.view.currentIndex())

    def _apply_delta(self, gone: list[Finding], new: list[Finding]) -> None:
        kept = self.current_finding()
        self.model.apply_delta(gone, new)
        self._keep_selected(kept)

    def _reset(self) -> None:
        kept = self.current_finding()
        self.model.refresh()
        self._keep_selected(kept)

    def _keep_selected(self, kept: Finding | None) -> None:
        """The finding selected before an edit stays selected when its row moved (e.g. 提示 became 错误)."""
        current = self.current_finding()
        if kept is None or (current is not None and current.key == kept.key):
            return
        row = next((i for i, f in enumerate(self.model.items) if f.key == kept.key), None)
        if row is not None:
            index = self.proxy.mapFromSource(self.model.index(row, 0))
            if index.isValid():
                self.view.setCurrentIndex(index)

    def current_finding(self) -> Finding | None:
        index = self.view.currentIndex()
        return index_value(index, FINDING_ROLE) if index.isValid() else None

    def _current_changed(self, index: QModelIndex, *_: object) -> None:
        finding = index_value(index, FINDING_ROLE) if index.isValid() else None
        self.explain_button.setEnabled(bool(finding and finding.severity == "warning" and not self.controller.readonly))

    def _explain_clicked(self) -> None:
        finding = self.current_finding()
        if finding is not None:
            self.explainRequested.emit(finding)
