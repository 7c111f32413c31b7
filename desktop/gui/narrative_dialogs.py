"""Dialogs of the 情况说明 screen: the draft-vs-text diff, and the 上年数 form (typed or from last year's file)."""

from __future__ import annotations

import html
from difflib import SequenceMatcher
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ..core.document import DocumentError
from ..core.i18n import N_, tr
from ..core.money import format_amount
from ..core.narrative.prior import PriorError, link_prior, set_typed, spec_of
from ..core.narrative.store import read_prior
from ..core.session import Session


def diff_html(old: str, new: str) -> str:
    """The clerk's text with what the draft removes struck through in red and what it adds in green."""
    out = []
    for op, a1, a2, b1, b2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op in ("delete", "replace"):
            out.append(f'<span style="background:#fbd3cf;text-decoration:line-through">{html.escape(old[a1:a2])}</span>')
        if op in ("insert", "replace"):
            out.append(f'<span style="background:#cdebd3">{html.escape(new[b1:b2])}</span>')
        if op == "equal":
            out.append(html.escape(old[a1:a2]))
    return "".join(out).replace("\n", "<br>")


class DiffDialog(QDialog):
    """What 重新生成本节 would change; accepted = replace the section's text by the draft."""

    def __init__(self, heading: str, old: str, new: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("重新生成本节：{heading}", heading=heading))
        self.resize(900, 600)
        layout = QVBoxLayout(self)
        same = old == new
        layout.addWidget(QLabel(tr("草稿与现有文字相同，无需替换。") if same else
                                tr("红色删除线是将被去掉的现有文字，绿色是按表格数字生成的新文字。替换后仍可继续修改。")))
        self.view = QTextBrowser()
        self.view.setHtml(diff_html(old, new))
        layout.addWidget(self.view, 1)
        buttons = QDialogButtonBox()
        self.replace = buttons.addButton(tr("用草稿替换本节"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.replace.setEnabled(not same)
        buttons.addButton(tr("取消"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


class PriorDialog(QDialog):
    """上年数: one line per item of the set's data, with where each figure came from."""

    def __init__(self, session: Session, who: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session, self.who = session, who
        self.setWindowTitle(tr("上年数"))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(tr("金额单位：{money_unit}。可手工填写，或从上年同一单位的文件复制。", money_unit=session.doc.money_unit)))
        form = QFormLayout()
        self.edits: dict[str, QLineEdit] = {}
        self.sources: dict[str, QLabel] = {}
        spec = spec_of(session)
        for item in spec.prior if spec else ():
            edit = QLineEdit()
            source = QLabel()
            source.setStyleSheet("color:#666;")
            box = QVBoxLayout()
            box.addWidget(edit)
            box.addWidget(source)
            form.addRow(tr("上年{label}", label=item.label), box)
            self.edits[item.key], self.sources[item.key] = edit, source
        layout.addLayout(form)
        link = QPushButton(tr("从上年文件复制…"))
        link.clicked.connect(self.link)
        layout.addWidget(link)
        self.message = QLabel()
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.refresh()

    def refresh(self) -> None:
        stored = read_prior(self.session.doc)
        for key, edit in self.edits.items():
            value = stored.get(key)
            edit.setText(format_amount(value.value) if value else "")
            self.sources[key].setText(value.source if value else tr("（未填）"))

    def save(self) -> None:
        stored = read_prior(self.session.doc)
        try:
            with self.session.step(N_("填写上年数")):  # the items saved together are one undo step
                for key, edit in self.edits.items():
                    old = stored.get(key)
                    if edit.text().strip() != (format_amount(old.value) if old else ""):
                        set_typed(self.session, key, edit.text(), who=self.who)
        except (PriorError, DocumentError) as exc:
            self.message.setText(str(exc))
            return
        self.accept()

    def link(self, path: Path | None = None) -> None:
        if path is None or not isinstance(path, Path):
            name, _ = QFileDialog.getOpenFileName(self, tr("选择上年文件"), "", tr("公开表文件 (*.gkb)"))
            if not name:
                return
            path = Path(name)
        try:
            result = link_prior(self.session, path, who=self.who)
        except (PriorError, DocumentError) as exc:
            self.message.setText(str(exc))
            return
        missing = tr("；上年文件中没有：{missing}", missing='、'.join(result.missing)) if result.missing else ""
        self.message.setText(tr("已复制 {copied_count} 项{missing}", copied_count=len(result.copied), missing=missing))
        self.refresh()
