"""The table list at the left: every table of the set in printed order, with its 错误/提示 counts."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHeaderView, QTreeWidget, QTreeWidgetItem, QWidget

from ..core.i18n import tr
from . import style
from .controller import FORM_PREFIX, DocumentController


class TablesPanel(QTreeWidget):
    tableSelected = Signal(str)

    def __init__(self, controller: DocumentController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.setColumnCount(2)
        self.setHeaderLabels([tr("表"), tr("审核")])
        self.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.header().setStretchLastSection(False)
        self.setRootIsDecorated(True)
        self.setUniformRowHeights(True)
        tset = controller.tset
        group = QTreeWidgetItem([tr("{kind}公开表（{year}）", kind=tset.info.kind, year=tset.info.year)])
        group.setFlags(Qt.ItemFlag.ItemIsEnabled)
        self.addTopLevelItem(group)
        self.items: dict[str, QTreeWidgetItem] = {}
        for table in tset.tables:
            item = QTreeWidgetItem([f"{table.label} {table.title}".strip(), ""])
            item.setToolTip(0, f"{table.label}《{table.title}》")
            group.addChild(item)
            self.items[table.key] = item
        group.setExpanded(True)
        self.forms_group = QTreeWidgetItem([tr("绩效表")])
        self.forms_group.setFlags(Qt.ItemFlag.ItemIsEnabled)
        self.addTopLevelItem(self.forms_group)
        self.rebuild_forms()
        self.currentItemChanged.connect(self._current_changed)
        controller.findingsChanged.connect(self.update_counts)
        controller.formsListChanged.connect(self.rebuild_forms)
        self.update_counts()

    def rebuild_forms(self) -> None:
        """One entry per 绩效 form, under its own group (hidden while the document has none)."""
        current = self.key_of(self.currentItem())
        for key in [k for k in self.items if k.startswith(FORM_PREFIX)]:
            del self.items[key]
        self.forms_group.takeChildren()
        for key in self.controller.form_keys():
            item = QTreeWidgetItem([self.controller.caption(key), ""])
            item.setToolTip(0, self.controller.caption(key))
            self.forms_group.addChild(item)
            self.items[key] = item
        self.forms_group.setText(0, tr("绩效表（{childCount}）", childCount=self.forms_group.childCount()))
        self.forms_group.setHidden(self.forms_group.childCount() == 0)
        self.forms_group.setExpanded(True)
        if current in self.items:
            self.setCurrentItem(self.items[current])
        self.update_counts()

    def _current_changed(self, item: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None) -> None:
        key = self.key_of(item)
        if key:
            self.tableSelected.emit(key)

    def key_of(self, item: QTreeWidgetItem | None) -> str | None:
        """The table or form an entry stands for; None for a group heading. Looked up in Python, not
        through ``item.data()``, which loses a reference to None on a heading (see qt_values)."""
        return next((key for key, known in self.items.items() if known is item), None) if item else None

    def select_table(self, key: str) -> None:
        item = self.items.get(key)
        if item is not None and self.currentItem() is not item:
            self.setCurrentItem(item)

    def counts_text(self, key: str) -> str:
        counts = self.controller.counts.get(key, {})
        parts = []
        if counts.get("error"):
            parts.append(tr("错误 {error}", error=counts['error']))
        if counts.get("warning"):
            parts.append(tr("提示 {warning}", warning=counts['warning']))
        text, state = "  ".join(parts) or "✓", self.controller.state_labels.get(key)
        return f"{text}  {state}" if state else text

    def update_counts(self) -> None:
        for key, item in self.items.items():
            text = self.counts_text(key)
            if item.text(1) == text:
                continue
            item.setText(1, text)
            counts = self.controller.counts.get(key, {})
            severity = "error" if counts.get("error") else "warning" if counts.get("warning") else None
            item.setForeground(1, style.SEVERITY_TEXT[severity] if severity else style.QColor("#2e7d32"))
