"""The 批注 panel: comment threads of the document (or of the current table), add / reply / resolve / go to."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..core.i18n import N_, tr
from ..core.review import Thread
from .controller import DocumentController
from .times import short_time

MARK_OPEN = QColor("#b34700")
KIND_LABELS = {"cell": N_("单元格"), "row": N_("行"), "table": N_("表"), "finding": N_("审核结果")}


class CommentsPanel(QWidget):
    """Threads as a tree (first comment, replies under it); buttons act on the selected thread."""

    changed = Signal()  # a comment was added, replied to, resolved or reopened
    jumpRequested = Signal(object)  # Thread
    addRequested = Signal()  # 新批注 on the current selection (the window knows what is selected)

    def __init__(self, controller: DocumentController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.shown: list[Thread] = []  # the threads listed, in tree order
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels([tr("位置"), tr("批注")])
        self.tree.setRootIsDecorated(False)
        self.tree.setColumnWidth(0, 190)
        self.detail = QTextBrowser()
        self.detail.setOpenLinks(False)
        self.show_resolved = QCheckBox(tr("显示已解决"))
        self.show_resolved.setChecked(True)
        self.summary = QLabel()
        self.add_button = QPushButton(tr("新批注…"))
        self.reply_button = QPushButton(tr("回复…"))
        self.resolve_button = QPushButton(tr("解决"))
        self.add_button.setToolTip(tr("对选中的单元格（或当前表）写批注；审阅模式下也可以"))
        buttons = QHBoxLayout()
        for b in (self.add_button, self.reply_button, self.resolve_button):
            buttons.addWidget(b)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.show_resolved)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.tree, 2)
        layout.addWidget(self.detail, 3)
        layout.addLayout(buttons)
        self.add_button.clicked.connect(self.addRequested.emit)
        self.reply_button.clicked.connect(self._reply_clicked)
        self.resolve_button.clicked.connect(self._resolve_clicked)
        self.show_resolved.toggled.connect(self.refresh)
        self.tree.currentItemChanged.connect(self._update_buttons)
        self.tree.itemDoubleClicked.connect(lambda item, _c: self.jumpRequested.emit(self.thread_of(item)))
        self.refresh()

    @property
    def review(self):  # noqa: ANN201 - ReviewBook
        return self.controller.session.review

    # -- contents -------------------------------------------------------------------------------
    def refresh(self) -> None:
        current = self.current_thread()
        threads = self.review.threads()
        self.tree.clear()
        shown = [t for t in threads if self.show_resolved.isChecked() or not t.resolved]
        self.shown = shown  # row i of the tree is shown[i]: read in Python, never item.data() (qt_values)
        for thread in shown:
            first = thread.first
            where = self.review.place(first.tbl, first.row, first.col, short=True)
            state = "✔ " if thread.resolved else "● "
            replies = tr("（{replies_count} 条回复）", replies_count=len(thread.replies)) if thread.replies else ""
            item = QTreeWidgetItem([f"{state}{where}{replies}", f"{first.author}：{first.text}"])
            for col in (0, 1):
                item.setToolTip(col, self.review.place(first.tbl, first.row, first.col))
                if thread.resolved:
                    item.setForeground(col, Qt.GlobalColor.darkGray)
            if not thread.resolved:
                item.setForeground(0, MARK_OPEN)
            self.tree.addTopLevelItem(item)
            if current is not None and thread.id == current.id:
                self.tree.setCurrentItem(item)
        still_open = sum(1 for t in threads if not t.resolved)
        self.summary.setText(tr("批注 {threads_count} 条，未解决 {still_open} 条", threads_count=len(threads), still_open=still_open) if threads else tr("还没有批注"))
        self._update_buttons()

    def current_thread(self) -> Thread | None:
        return self.thread_of(self.tree.currentItem())

    def thread_of(self, item: QTreeWidgetItem | None) -> Thread | None:
        row = self.tree.indexOfTopLevelItem(item) if item is not None else -1
        return self.shown[row] if 0 <= row < len(self.shown) else None

    def select_thread(self, thread_id: int) -> None:
        for i, thread in enumerate(self.shown):
            if thread.id == thread_id:
                self.tree.setCurrentItem(self.tree.topLevelItem(i))
                return

    def _update_buttons(self, *_: object) -> None:
        thread = self.current_thread()
        self.detail.setHtml(self.thread_html(thread) if thread else tr("<p style='color:#777'>选中一条批注，查看全部回复。</p>"))
        self.reply_button.setEnabled(thread is not None)
        self.resolve_button.setEnabled(thread is not None)
        self.resolve_button.setText(tr("重新打开") if thread is not None and thread.resolved else tr("解决"))

    def thread_html(self, thread: Thread) -> str:
        """The whole conversation of a thread: where, every comment with author and time, resolved by whom."""
        first = thread.first
        parts = [tr("<p><b>{place}</b>"
                 "<br/><span style='color:#777'>{kind}批注</span></p>", place=escape(self.review.place(first.tbl, first.row, first.col)), kind=tr(KIND_LABELS[first.kind]))]
        if first.finding:
            found = next((f for f in self.controller.findings if f.key == first.finding), None)
            note = escape(found.message) if found else tr("（这条审核结果现已消除）")
            parts.append(f"<p style='color:#8a5a00'>{note}</p>")
        for c in thread.comments:
            text = escape(c.text).replace("\n", "<br/>")
            parts.append(f"<p><b>{escape(c.author)}</b> <span style='color:#777'>{short_time(c.at)}</span><br/>{text}</p>")
        if thread.resolved:
            parts.append(tr("<p style='color:#2e7d32'>✔ {who} "
                         "{when} 标为已解决</p>", who=escape(first.resolved_by or ''), when=short_time(first.resolved_at or '')))
        return "".join(parts)

    # -- actions (each one committed write, with who) -------------------------------------------
    def _run(self, work) -> bool:  # noqa: ANN001
        try:
            work()
        except ValueError as exc:  # ReviewError
            self.controller.errorOccurred.emit(str(exc))
            return False
        except Exception as exc:  # noqa: BLE001 - DocumentError: read-only file, disk full
            self.controller.errorOccurred.emit(str(exc))
            return False
        self.refresh()
        self.changed.emit()
        return True

    def add_comment(self, tbl: str, text: str, row: str | None = None, col: str | None = None,
                    finding: str | None = None) -> bool:
        ids: list[int] = []
        ok = self._run(lambda: ids.append(self.review.comment(tbl, text, who=self.controller.who, row=row,
                                                              col=col, finding=finding)))
        if ok:
            self.select_thread(ids[0])
        return ok

    def reply(self, thread: Thread, text: str) -> bool:
        ok = self._run(lambda: self.review.reply(thread.id, text, who=self.controller.who))
        self.select_thread(thread.id)
        return ok

    def resolve(self, thread: Thread, resolved: bool = True) -> bool:
        ok = self._run(lambda: self.review.resolve(thread.id, who=self.controller.who, resolved=resolved))
        self.select_thread(thread.id)
        return ok

    def _reply_clicked(self) -> None:
        thread = self.current_thread()
        if thread is None:
            return
        from PySide6.QtWidgets import QInputDialog  # dialogs load when first shown, not at start

        text, ok = QInputDialog.getMultiLineText(self, tr("回复批注"), tr("{author}：{text}\n\n回复：", author=thread.first.author, text=thread.first.text))
        if ok and text.strip():
            self.reply(thread, text)

    def _resolve_clicked(self) -> None:
        thread = self.current_thread()
        if thread is not None:
            self.resolve(thread, not thread.resolved)
