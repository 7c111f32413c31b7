"""Review and hand-over in the document window: the 审阅 menu, the 批注 dock, cell markers, table states
in the table list, and the state/seal bar above the table (a broken seal names the cells, who and when;
a signature that cannot be trusted says why). 审核通过 asks for a confirmation that lists what is signed.

:func:`install` is called once by the main window; everything here goes through ``session.review``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QObject, QPointF, Qt
from PySide6.QtGui import QColor, QKeySequence, QPainter, QPolygonF
from PySide6.QtWidgets import QDockWidget, QLabel, QStyleOptionViewItem, QWidget

from ..core.i18n import tr
from ..core.review import ReviewError, TableState, Thread
from ..core.review.comments import Comment
from ..core.review.signing import Verification
from .grid_view import CellDelegate
from .qt_values import index_value
from .table_model import COMMENT_ROLE
from .times import short_time

if TYPE_CHECKING:
    from .comments_panel import CommentsPanel
    from .main_window import MainWindow

MARK_COLOURS = {"open": QColor("#d9480f"), "resolved": QColor("#9e9e9e")}
MAX_BANNER_LINES = 6
BAR_STYLES = {
    "broken": "background:#fde2e1; color:#8c1d18; padding:6px; border-bottom:1px solid #e6a5a0;",
    "returned": "background:#fff4ce; color:#5c4400; padding:6px; border-bottom:1px solid #e0c97a;",
    "ok": "background:#e6f4ea; color:#1e5631; padding:4px 6px; border-bottom:1px solid #a8d5b5;",
    "info": "background:#e8f0fe; color:#1a3d7c; padding:4px 6px; border-bottom:1px solid #b0c8f0;",
}


class CommentDelegate(CellDelegate):
    """The grid's delegate plus a small corner triangle on cells with 批注 (orange open, grey resolved)."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        super().paint(painter, option, index)
        mark = index_value(index, COMMENT_ROLE)  # never index.data(): see qt_values
        if not mark:
            return
        r = option.rect
        size = max(6, min(10, r.height() // 3))
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(MARK_COLOURS.get(mark, MARK_COLOURS["open"]))
        painter.drawPolygon(QPolygonF([QPointF(r.right() - size, r.top()), QPointF(r.right() + 1, r.top()),
                                       QPointF(r.right() + 1, r.top() + size)]))
        painter.restore()


class ReviewUi(QObject):
    """What review adds to one document window."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.controller = window.controller
        self.session = window.session
        self.review = self.session.review
        self.verification: Verification | None = None  # verified at open and after each review action

        self.bar = QLabel()
        self.bar.setObjectName("reviewBar")
        self.bar.setWordWrap(True)
        self.bar.setVisible(False)
        window.centralWidget().layout().insertWidget(1, self.bar)
        if self.session.review_mode and not self.session.doc.readonly:
            window.banner.setText(tr("审阅模式：数字只读，可以写批注、审核通过或退回（提交审核由填报人在编辑模式下进行）。审阅人：{who}", who=self.controller.who))
            window.banner.setStyleSheet("background:#e8f0fe; color:#1a3d7c; padding:6px; border-bottom:1px solid #b0c8f0;")
            window.banner.setVisible(True)
            window.user_label.setText(tr("审阅人：{who}", who=self.controller.who))
        elif self.session.doc.other_editor is not None:
            window.banner.setText(tr("只读：{readonly_reason}。此时只能查看，不能修改数字，也不能写批注；"
                                  "对方关闭文件后重新打开即可。", readonly_reason=self.session.doc.readonly_reason))

        self._panel: CommentsPanel | None = None  # built when the dock is first shown (see panel)
        self.dock = QDockWidget(tr("批注"), window)
        self.dock.setObjectName("commentsDock")
        self.dock.visibilityChanged.connect(self._dock_visibility)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        window.resizeDocks([self.dock], [380], Qt.Orientation.Horizontal)
        # the table needs the width while a clerk fills it in: the panel shows itself when there is a
        # conversation or a reviewer at work, and is one click away in 审阅 / 视图 otherwise
        self.dock.setVisible(bool(self.session.review_mode or self.session.review.threads()))
        self._build_menu()

        self.controller.changeApplied.connect(self._figures_changed)  # an edit may break (or restore) a seal
        window.stack.currentChanged.connect(self._current_changed)
        self.reverify()
        self.refresh()
        self._current_changed()

    @property
    def panel(self) -> CommentsPanel:
        """The 批注 list, built the first time it is needed: a clerk's own file without comments opens with
        the dock hidden, and its widgets (a tree, a text browser, buttons) are not built at start."""
        if self._panel is None:
            from .comments_panel import CommentsPanel  # with the panel, not at start

            self._panel = CommentsPanel(self.controller)
            self._panel.changed.connect(self.refresh)
            self._panel.addRequested.connect(self.add_comment_here)
            self._panel.jumpRequested.connect(self.jump_to_thread)
            self.dock.setWidget(self._panel)
        return self._panel

    def _dock_visibility(self, visible: bool) -> None:
        if visible and self._panel is None:
            _ = self.panel  # the dock shows for the first time: build what it shows

    def layout_restored(self) -> None:
        """After the saved window layout is applied: a clerk reopening a returned file sees the 退回 reasons
        (the first returned table is shown, the bar lists them all) and the open 批注 at once."""
        returned = [t for t, r in self.review.states().items() if r.state is TableState.RETURNED]
        if self.review.open_threads() or returned or self.session.review_mode:
            self.dock.show()
        if returned and not self.session.review_mode:
            order = [t.key for t in self.session.tset.tables]
            first = min(returned, key=lambda t: order.index(t) if t in order else len(order))
            if self.session.tset.has_table(first):
                self.window.show_table(first)
            self.update_bar()

    # -- menu -----------------------------------------------------------------------------------
    def _build_menu(self) -> None:
        w = self.window
        menu = w.menuBar().insertMenu(w.menuBar().actions()[-1], _menu(w, tr("审阅(&R)"))).menu()
        self.act_comment = menu.addAction(tr("新批注…"), QKeySequence("Ctrl+Alt+M"), self.add_comment_here)
        toggle = self.dock.toggleViewAction()
        toggle.setText(tr("批注面板"))
        menu.addAction(toggle)
        self.act_comment_finding = menu.addAction(tr("对选中的审核结果写批注…"), self.add_comment_on_finding)
        menu.addSeparator()
        self.act_submit = menu.addAction(tr("提交审核"), lambda: self.change_state("submit"))
        self.act_withdraw = menu.addAction(tr("撤回提交"), lambda: self.change_state("withdraw"))
        self.act_approve = menu.addAction(tr("审核通过（签章）…"), lambda: self.change_state("approve"))
        self.act_return = menu.addAction(tr("退回…"), lambda: self.change_state("return"))
        self.act_verify = menu.addAction(tr("核验审核签章…"), self.show_verification)
        self.act_submit.setEnabled(not self.session.review_mode)  # submitting is the clerk's
        self.act_withdraw.setEnabled(not self.session.review_mode)
        menu.addSeparator()
        self.act_log = menu.addAction(tr("修改记录…"), self.show_change_log)
        self.act_compare = menu.addAction(tr("与另一文件比较…"), self.show_compare)
        self.act_print = menu.addAction(tr("打印 / 导出 PDF…"), QKeySequence.StandardKey.Print, self.print_table)
        menu.addSeparator()
        menu.addAction(self.dock.toggleViewAction())
        for act in menu.actions():
            act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.menu = menu

    # -- where we are ---------------------------------------------------------------------------
    def current_key(self) -> str | None:
        view = self.window.current_view()
        if view is not None:
            return view.table.key
        widget = self.window.stack.currentWidget()
        return next((k for k, v in self.window.form_views.items() if v is widget), None)

    def _current_changed(self, *_: object) -> None:
        view = self.window.current_view()
        if view is not None and not isinstance(view.body.itemDelegate(), CommentDelegate):
            view.body.setItemDelegate(CommentDelegate(view.body))
        self.update_bar()

    # -- refresh --------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Markers, table states and the bar, after any review action or edit."""
        threads = self.review.threads()
        marks: dict = {}
        for t in threads:
            cell = t.first.cell
            if cell is not None and marks.get(cell) != "open":
                marks[cell] = "resolved" if t.resolved else "open"
        old = self.controller.comment_marks
        self.controller.comment_marks = marks
        touched = {c for c in old.keys() | marks.keys() if old.get(c) != marks.get(c)}
        labels = {tbl: self._state_label(tbl, record) for tbl, record in self.review.states().items()}
        self._set_labels(labels)
        if touched:
            self.controller.cellsChanged.emit(touched)
        self.update_bar()

    def _state_label(self, tbl: str, record) -> str:  # noqa: ANN001 - StateRecord
        if record.state is TableState.APPROVED and not self.review.seal_intact(tbl):
            return tr("封签已破")
        if record.state is TableState.APPROVED and not self.trusted(tbl):
            return tr("签章不可信")
        return record.state.label

    def _set_labels(self, labels: dict[str, str]) -> None:
        if labels != self.controller.state_labels:
            self.controller.state_labels = labels
            self.window.tables.update_counts()

    def _figures_changed(self, change) -> None:  # noqa: ANN001 - core.change.Change
        """After an edit: the seals of the tables and forms it touched only (not every signed table)."""
        touched = change.tables | {f"jixiao:{form_id}" for form_id in change.forms}
        if change.structure:
            touched |= {key for key in self.controller.state_labels if key.startswith("jixiao:")}
        if not touched:
            return
        states = self.review.states()
        labels = dict(self.controller.state_labels)
        for tbl in touched & states.keys():
            labels[tbl] = self._state_label(tbl, states[tbl])
        self._set_labels(labels)
        if self.current_key() in touched:
            self.update_bar()

    def update_bar(self) -> None:
        key = self.current_key()
        text, style = self.bar_text(key) if key else ("", "")
        self.bar.setText(text)
        self.bar.setStyleSheet(BAR_STYLES.get(style, ""))
        self.bar.setVisible(bool(text))

    def bar_text(self, key: str) -> tuple[str, str]:
        """The line above the table: its review state, and for a broken seal what changed, who, when."""
        record = self.review.state(key)
        when = short_time(record.at)
        if record.state is TableState.APPROVED:
            check = self.review.seal_check(key)
            if check is not None and not check.intact:
                typed, totals = self.review.split_changes(check)
                lines = [tr("封签已破：本表由 {signer} 于 {short_time} 审核通过后，"
                         "有 {typed_count} 处修改（合计随之变动 {totals_count} 处），需重新审核：", signer=check.seal.signer, short_time=short_time(check.seal.at), typed_count=len(typed), totals_count=len(totals))]
                lines += [f"  • {self.review.change_text(c, with_table=False)}" for c in typed[:MAX_BANNER_LINES]]
                if len(typed) > MAX_BANNER_LINES:
                    lines.append(tr("  … 另有 {value} 处，见 审阅 → 修改记录", value=len(typed) - MAX_BANNER_LINES))
                verdict = self.verification.tables.get(key) if self.verification else None
                if verdict is not None and verdict.problems:
                    lines.append(tr("核验：") + "；".join(verdict.problems[:MAX_BANNER_LINES]) + tr("（详见 审阅 → 核验审核签章）"))
                return "\n".join(lines), "broken"
            verdict = self.verification.tables.get(key) if self.verification else None
            if verdict is not None and not verdict.trusted:
                lines = [tr("签章不可信：本表标为 {who} {when} 审核通过，但核验发现问题，审核结果不能作为依据：", who=record.who, when=when)]
                lines += [f"  • {p}" for p in verdict.problems[:MAX_BANNER_LINES]]
                return "\n".join(lines), "broken"
            sign = tr("，签章有效（密钥指纹 {fingerprint}）", fingerprint=verdict.fingerprint) if verdict is not None else ""
            notes = "".join(tr("\n注意：{n}", n=n) for n in verdict.notices) if verdict is not None else ""
            return tr("已审核：{who} {when} 审核通过，封签完好（数字与审核时一致）{sign}。{notes}", who=record.who, when=when, sign=sign, notes=notes), "ok"
        if record.state is TableState.RETURNED:
            text = tr("退回：{who} {when} 退回，原因：{reason}", who=record.who, when=when, reason=record.reason)
            others = [(t, r) for t, r in self.review.states().items()
                      if r.state is TableState.RETURNED and t != key]
            if others:
                text += tr("\n另有被退回的表：") + "；".join(f"{self.review.table_name(t)}（{r.reason}）"
                                                   for t, r in others[:MAX_BANNER_LINES])
            return text, "returned"
        if record.state is TableState.SUBMITTED:
            return tr("待审核：{who} {when} 提交审核。", who=record.who, when=when), "info"
        return "", ""

    # -- comments -------------------------------------------------------------------------------
    def comment_target(self) -> tuple[str, str | None, str | None] | None:
        """(table, row, col) of the current cell; the row for a label; the table when nothing is selected."""
        key = self.current_key()
        if key is None:
            return None
        view = self.window.current_view()
        if view is None or not view.body.currentIndex().isValid():
            return key, None, None
        cell = view.model.body_cell(view.body.currentIndex())
        if cell.cell is not None:
            return cell.cell
        return key, cell.row_key, None

    def add_comment_here(self) -> None:
        target = self.comment_target()
        if target is None:
            return
        where = self.review.place(*target)
        from PySide6.QtWidgets import QInputDialog  # dialogs load when first shown, not at start

        text, ok = QInputDialog.getMultiLineText(self.window, tr("新批注"), tr("{where}\n\n批注：", where=where))
        if ok and text.strip():
            self.dock.show()
            self.panel.add_comment(target[0], text, row=target[1], col=target[2])

    def add_comment_on_finding(self, text: str | None = None) -> bool:
        """A 批注 on the finding selected in the 审核结果 panel (kept by its key)."""
        finding = self.window.findings.current_finding()
        if finding is None:
            self.controller.errorOccurred.emit(tr("请先在审核结果中选中一条。"))
            return False
        if text is None:
            from PySide6.QtWidgets import QInputDialog  # dialogs load when first shown, not at start

            text, ok = QInputDialog.getMultiLineText(self.window, tr("对审核结果写批注"), tr("{message}\n\n批注：", message=finding.message))
            if not ok or not text.strip():
                return False
        return self.panel.add_comment(finding.table, text, finding=finding.key)

    def jump_to_thread(self, thread: Thread | None) -> None:
        if thread is None:
            return
        first: Comment = thread.first
        if first.finding:
            found = next((f for f in self.controller.findings if f.key == first.finding), None)
            if found is not None:
                self.window.jump_to(found)
                return
        self.window.show_table(first.tbl)
        view = self.window.current_view()
        if view is not None and first.cell is not None:
            view.body.select_cells([view.model.index_of(first.cell)])
        elif view is not None and first.row is not None:
            pos = view.grid.row_position.get(first.row)
            if pos is not None:
                view.body.select_cells([view.model.index(pos, 0)])

    # -- states ---------------------------------------------------------------------------------
    def change_state(self, action: str, reason: str | None = None) -> bool:
        """提交审核 / 审核通过 / 退回 on the current table; a refusal is shown with its reason."""
        key = self.current_key()
        if key is None:
            return False
        if action == "return" and reason is None:
            from PySide6.QtWidgets import QInputDialog  # dialogs load when first shown, not at start

            text, ok = QInputDialog.getMultiLineText(self.window, tr("退回"), tr("{table_name}\n\n退回原因：", table_name=self.review.table_name(key)))
            if not ok:
                return False
            reason = text
        who = self.controller.who
        try:
            if action == "submit":
                self.review.submit(key, who=who)
            elif action == "withdraw":
                self.review.withdraw(key, who=who)
            elif action == "approve":
                self.review.check_approve(key, who=who)  # a refusal comes before the confirmation
                lines = self.review.approval_summary(key, who=who)
                from . import signoff_dialogs  # dialogs load when first shown, not at start

                if not signoff_dialogs.ask_approval(self.window, self.review.table_name(key), lines):
                    return False
                self.review.approve(key, who=who)
            else:
                self.review.send_back(key, reason or "", who=who)
        except Exception as exc:  # noqa: BLE001 - ReviewError / DocumentError, shown in Chinese
            self.controller.errorOccurred.emit(str(exc))
            return False
        self.reverify()
        self.refresh()
        self.window.statusBar().showMessage(f"{self.review.table_name(key)}：{self.review.state(key).state.label}", 8000)
        return True

    # -- verification ---------------------------------------------------------------------------
    def reverify(self) -> None:
        """Verify the chain and every signature again (at open and after a review action; figure edits
        cannot touch a signed table, whose figures are locked)."""
        try:
            self.verification = self.review.verify()
        except ReviewError as exc:  # this computer's record of signers could not be read
            self.verification = None
            self.controller.errorOccurred.emit(str(exc))

    def trusted(self, tbl: str) -> bool:
        verdict = self.verification.tables.get(tbl) if self.verification else None
        return verdict is None or verdict.trusted

    def show_verification(self) -> QWidget | None:
        self.reverify()
        if self.verification is None:
            return None
        names = {t: self.review.table_name(t) for t in self.verification.tables}
        from . import signoff_dialogs  # dialogs load when first shown, not at start

        dialog = signoff_dialogs.VerificationDialog(self.verification, names, self.window)
        self.refresh()
        dialog.show()
        return dialog

    # -- views ----------------------------------------------------------------------------------
    def show_change_log(self) -> QWidget:
        from .changelog_view import ChangeLogDialog

        dialog = ChangeLogDialog(self.session, self.window, table=self.current_key())
        dialog.show()
        return dialog

    def show_compare(self, other: str | None = None) -> QWidget | None:
        from .compare_view import CompareDialog, choose_and_compare

        dialog = choose_and_compare(self.window, self.session) if other is None else \
            CompareDialog(self.session, other, self.window)
        if dialog is not None:
            dialog.cellActivated.connect(self.jump_to_cell)
            # the differences laid out on the official tables while the comparison is open
            self.controller.set_compare_marks(dialog.marks())
            dialog.finished.connect(lambda *_: self.controller.set_compare_marks({}))
            dialog.show()
        return dialog

    def jump_to_cell(self, cell: tuple[str, str, str]) -> None:
        if not self.session.tset.has_table(cell[0]):
            return
        view = self.window.show_table(cell[0])
        view.body.select_cells([view.model.index_of(cell)])

    def print_table(self, path: str | None = None) -> str | None:
        from .print_view import ask_and_print, write_pdf

        key = self.current_key()  # a table or a 绩效 form (print_view prints both)
        if key is None:
            self.controller.errorOccurred.emit(tr("请先打开要打印的公开表。"))
            return None
        if path is not None:
            write_pdf(self.session, key, path)
            return path
        return ask_and_print(self.window, self.session, key)


def _menu(window: QWidget, title: str):  # noqa: ANN202 - QMenu
    from PySide6.QtWidgets import QMenu

    return QMenu(title, window)


def install(window: MainWindow) -> ReviewUi:
    return ReviewUi(window)
