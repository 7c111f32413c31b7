"""The 情况说明 screen: the sections at the left, a text editor per section with its findings tinted inline.

Typing is saved a moment after the clerk pauses (each save is one committed, logged write) and the checks
run again at once, so a figure fixed in the text loses its tint and its entry in 审核结果. "重新生成本节"
shows the fresh draft beside the clerk's text (a diff) before anything is replaced.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from ..core.document import DocumentError
from ..core.i18n import N_, tr
from ..core.narrative.locate import locate, locate_within
from ..core.narrative.names import NARRATIVE_TABLE
from ..core.narrative.store import PARTS, NarrativeStoreError, StoredSection
from ..core.rules.findings import Finding
from ..core.session import EditError
from .controller import DocumentController

SAVE_DELAY_MS = 700
TINT = {"error": QColor("#fbe0dc"), "warning": QColor("#fdf0cc"), "rounding": QColor("#e6f0fa")}  # the clause
STRONG = {"error": QColor("#ef9a90"), "warning": QColor("#f5cf6b"), "rounding": QColor("#a9c8ea")}  # the figure
MARK = {"error": N_("错误"), "warning": N_("提示"), "rounding": N_("尾数误差")}


class NarrativeView(QWidget):
    """Sections of one part (情况说明, 概况, 名词解释) and the editor of the chosen one."""

    def __init__(self, controller: DocumentController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("narrativeView")
        self.controller = controller
        self.book = controller.session.narrative
        self.part = "shuoming"
        self.sections: list[StoredSection] = []
        self.current: StoredSection | None = None
        self._loading = False
        self.timer = QTimer(self, singleShot=True, interval=SAVE_DELAY_MS)
        self.timer.timeout.connect(self.save)

        self.part_box = QComboBox()
        for key, title in PARTS.items():
            self.part_box.addItem(title, key)
        self.part_box.setCurrentIndex(list(PARTS).index(self.part))
        self.part_box.currentIndexChanged.connect(self._part_changed)
        self.list = QListWidget()
        self.list.currentRowChanged.connect(self._section_changed)
        self.heading = QLabel()
        self.heading.setStyleSheet("font-weight:bold; font-size:15px; padding:4px 0;")
        self.editor = QPlainTextEdit()
        self.editor.setObjectName("narrativeEditor")
        self.editor.textChanged.connect(self._typed)
        self.found = QListWidget()
        self.found.setWordWrap(True)
        self.found.itemActivated.connect(self._finding_clicked)
        self.found.itemClicked.connect(self._finding_clicked)
        self.regen = QPushButton(tr("重新生成本节…"))
        self.regen.setToolTip(tr("按表格数字重新生成这一节；先显示与现有文字的差异，确认后才替换"))
        self.regen.clicked.connect(self.regenerate)
        self.status = QLabel()

        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(self.part_box)
        lv.addWidget(self.list, 1)
        right = QWidget()
        rv = QVBoxLayout(right)
        rv.setContentsMargins(6, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.regen)
        rv.addLayout(top)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.editor)
        splitter.addWidget(self.found)
        splitter.setSizes([520, 160])
        rv.addWidget(splitter, 1)
        rv.addWidget(self.status)
        outer = QSplitter(Qt.Orientation.Horizontal)
        outer.addWidget(left)
        outer.addWidget(right)
        outer.setSizes([260, 900])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(outer)
        controller.findingsChanged.connect(self.show_findings)
        self.reload()

    # -- sections -------------------------------------------------------------------------------
    def reload(self, select: int | None = None) -> None:
        """Re-read the sections of the current part (after an import or a draft)."""
        self.timer.stop()
        self.sections = self.book.sections(self.part)
        self.list.blockSignals(True)
        self.list.clear()
        for s in self.sections:
            self.list.addItem(QListWidgetItem(s.heading or tr("（无标题）")))
        self.list.blockSignals(False)
        self.regen.setEnabled(self.part == "shuoming" and not self.controller.readonly)
        self.editor.setReadOnly(self.controller.readonly)
        if not self.sections:
            self.current = None
            self._set_text("")
            self.heading.setText("")
            self.status.setText(tr("这一部分还没有文字：可从公开文本导入，或按表格生成草稿（gongkai narrative draft）。"))
            return
        row = next((n for n, s in enumerate(self.sections) if s.id == select), 0)
        self.list.setCurrentRow(row)
        self._section_changed(row)
        self.show_findings()

    def select_section(self, heading: str) -> None:
        for n, s in enumerate(self.sections):
            if s.heading and (heading == s.heading or heading.startswith(s.heading + " ")):
                self.list.setCurrentRow(n)
                return

    def _part_changed(self) -> None:
        self.save()
        self.part = self.part_box.currentData()
        self.reload()

    def _section_changed(self, row: int) -> None:
        self.save()
        if not 0 <= row < len(self.sections):
            return
        self.current = self.sections[row]
        self.heading.setText(self.current.heading)
        self._set_text(self.current.body)
        self.show_findings()

    def _set_text(self, text: str) -> None:
        self._loading = True
        self.editor.setPlainText(text)
        self._loading = False

    # -- saving ---------------------------------------------------------------------------------
    def _typed(self) -> None:
        if not self._loading and self.current is not None:
            self.timer.start()

    def save(self) -> None:
        """Store the editor's text if it changed (one logged write), then check again."""
        self.timer.stop()
        if self.current is None or self.controller.readonly:
            return
        text = self.editor.toPlainText()
        if text == self.current.body:
            return
        try:
            self.book.set_body(self.current.id, text, who=self.controller.who)
        except (EditError, DocumentError, NarrativeStoreError) as exc:
            self.controller.errorOccurred.emit(str(exc))
            return
        index = self.sections.index(self.current)
        self.current = StoredSection(self.current.id, self.current.part, self.current.position, self.current.heading,
                                     text)
        self.sections[index] = self.current
        self.status.setText(tr("已保存"))  # the session told the window which findings moved

    # -- findings -------------------------------------------------------------------------------
    def _mine(self) -> list[Finding]:
        if self.current is None or self.part != "shuoming":
            return []
        narrative = [f for f in self.controller.findings if f.table == NARRATIVE_TABLE]
        return self.book.findings_of(self.current, narrative)

    def show_findings(self) -> None:
        """Tint the quoted clauses of this section's findings, list them below, count them per section."""
        mine = self._mine()
        text = self.editor.toPlainText()
        clauses, figures = [], []
        for f in sorted(mine, key=lambda f: _rank(f.severity)):
            span = locate(text, f.cells[0][2]) if f.cells else None
            if span is None:
                continue
            clauses.append(self._selection(span, TINT.get(f.severity, TINT["warning"]), f.message))
            spot = self.book.spots.get(f.key)
            figure = locate_within(text, *spot) if spot else None
            if figure is not None:
                figures.append(self._selection(figure, STRONG.get(f.severity, STRONG["warning"]), f.message))
        self.editor.setExtraSelections(clauses + figures)
        self.found.clear()
        for f in mine:
            item = QListWidgetItem(f"[{tr(MARK.get(f.severity, f.severity))}] {f.message.split('：', 1)[-1]}")
            item.setForeground(QColor("#b3261e") if f.severity == "error" else QColor("#6d5200"))
            item.setData(Qt.ItemDataRole.UserRole, f.key)
            self.found.addItem(item)
        if self.current is not None and self.part == "shuoming":
            self.status.setText(tr("本节：错误 {value} 条，"
                                "尾数误差 {value2} 条", value=sum(f.severity == 'error' for f in mine), value2=sum(f.severity == 'rounding' for f in mine)))
        self._count_sections()

    def _selection(self, span: tuple[int, int], color: QColor, tip: str) -> QTextEdit.ExtraSelection:
        sel = QTextEdit.ExtraSelection()
        fmt = QTextCharFormat()
        fmt.setBackground(color)
        fmt.setToolTip(tip)
        sel.format = fmt
        cursor = QTextCursor(self.editor.document())
        cursor.setPosition(span[0])
        cursor.setPosition(span[1], QTextCursor.MoveMode.KeepAnchor)
        sel.cursor = cursor
        return sel

    def _count_sections(self) -> None:
        if self.part != "shuoming":
            return
        narrative = [f for f in self.controller.findings if f.table == NARRATIVE_TABLE]
        for n, s in enumerate(self.sections):
            errors = sum(f.severity == "error" for f in self.book.findings_of(s, narrative))
            item = self.list.item(n)
            if item is not None:
                item.setText((s.heading or tr("（无标题）")) + (tr("  ·错误 {errors}", errors=errors) if errors else ""))
                item.setForeground(QColor("#b3261e") if errors else QColor("#202020"))

    def _finding_clicked(self, item: QListWidgetItem) -> None:
        key = item.data(Qt.ItemDataRole.UserRole)
        finding = next((f for f in self._mine() if f.key == key), None)
        if finding is not None:
            self.select_finding(finding)

    def select_finding(self, finding: Finding) -> None:
        """Show the section of a prose finding and select the clause it quotes."""
        if self.part != "shuoming":
            self.part_box.setCurrentIndex(0)
        if finding.cells:
            self.select_section(finding.cells[0][1])
            text, spot = self.editor.toPlainText(), self.book.spots.get(finding.key)
            span = (locate_within(text, *spot) if spot else None) or locate(text, finding.cells[0][2])
            if span is not None:
                cursor = self.editor.textCursor()
                cursor.setPosition(span[0])
                cursor.setPosition(span[1], QTextCursor.MoveMode.KeepAnchor)
                self.editor.setTextCursor(cursor)
        self.editor.setFocus()

    # -- regenerate -----------------------------------------------------------------------------
    def regenerate(self) -> None:
        """Offer the fresh draft of this section; replace the clerk's text only when confirmed."""
        if self.current is None:
            return
        self.save()
        draft = self.book.draft_for(self.current.heading)
        if draft is None:
            QMessageBox.information(self, tr("重新生成本节"), tr("本模板没有这一节的标准草稿，文字未改动。"))
            return
        from .narrative_dialogs import DiffDialog

        dialog = DiffDialog(self.current.heading, self.current.body, draft, self)
        if dialog.exec():
            self._set_text(draft)
            self.save()
            self.show_findings()


def _rank(severity: str) -> int:
    return {"error": 2, "warning": 1}.get(severity, 0)
