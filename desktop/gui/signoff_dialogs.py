"""The two sign-off windows: the confirmation before 审核通过 (what is signed, by whom, with which key) and
the verification of every signed table (signatures, keys, the change-log chain, silent changes)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..core.i18n import tr
from ..core.review.signing import Verification

OK_COLOUR, BAD_COLOUR, NOTE_COLOUR = "#1e5631", "#8c1d18", "#5c4400"


class ApprovalDialog(QDialog):
    """“审核通过并签章” or 取消, after reading exactly what the signature will cover."""

    def __init__(self, table_name: str, lines: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("审核通过并签章"))
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        head = QLabel(tr("<b>确认审核通过 {table_name}？</b><br>签章将用您本人的密钥证明以下内容，"
                      "此后表中数字锁定；签章后任何人改动数字或修改记录，核验时都会显示出来：", table_name=table_name))
        head.setWordWrap(True)
        layout.addWidget(head)
        self.items = QListWidget()
        self.items.setObjectName("approvalItems")
        for line in lines:
            self.items.addItem(QListWidgetItem(f"• {line}"))
        self.items.setMinimumHeight(24 * (len(lines) + 1))
        layout.addWidget(self.items)
        note = QLabel(tr("签章不能证明数字正确，只证明是您在此时审核通过了这些数字。请勿把本机的密钥文件交给他人。"))
        note.setWordWrap(True)
        note.setStyleSheet(f"color:{NOTE_COLOUR};")
        layout.addWidget(note)
        buttons = QDialogButtonBox()
        self.ok_button = buttons.addButton(tr("审核通过并签章"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(tr("取消"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def lines(self) -> list[str]:
        return [self.items.item(i).text() for i in range(self.items.count())]


def ask_approval(parent: QWidget, table_name: str, lines: list[str]) -> bool:
    """Show the confirmation modally; True when the reviewer chose 审核通过并签章."""
    return ApprovalDialog(table_name, lines, parent).exec() == QDialog.DialogCode.Accepted


def verification_lines(result: Verification, names: dict[str, str]) -> list[tuple[str, str]]:
    """(colour, text) lines: the chain, then each signed table with its problems and notices."""
    chain = result.chain
    out = []
    if chain.ok:
        pre = tr("（其中 {pre_chain} 条为旧版本写入，未单独成链）", pre_chain=chain.pre_chain) if chain.pre_chain else ""
        out.append((OK_COLOUR, tr("✓ 修改记录链完好：共 {rows} 条{pre}", rows=chain.rows, pre=pre)))
    else:
        out.append((BAD_COLOUR, tr("✗ 修改记录链断裂：{problem}。文件在本软件之外被改动过。", problem=chain.problem)))
    if not result.tables:
        out.append((NOTE_COLOUR, tr("本文档没有已审核的表。")))
    for tbl, v in result.tables.items():
        name = names.get(tbl, tbl)
        if v.trusted:
            out.append((OK_COLOUR, tr("✓ {name}：{signer} 签章有效，数字与签章时一致（密钥指纹 {fingerprint}）", name=name, signer=v.signer, fingerprint=v.fingerprint)))
        else:
            out.append((BAD_COLOUR, tr("✗ {name}：签章不可信", name=name)))
        out += [(BAD_COLOUR, f"      {p}") for p in v.problems]
        out += [(NOTE_COLOUR, tr("      注意：{n}", n=n)) for n in v.notices]
    return out


class VerificationDialog(QDialog):
    """The result of 核验签章, line by line, red for what cannot be trusted."""

    def __init__(self, result: Verification, names: dict[str, str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("核验审核签章"))
        self.setMinimumSize(720, 360)
        layout = QVBoxLayout(self)
        trouble = len(result.problems)
        summary = QLabel(tr("全部签章可信。") if not trouble else tr("发现 {trouble} 个问题：这些表的审核结果不能作为依据，"
                         "请向审核人核实，必要时重新审核。", trouble=trouble))
        summary.setObjectName("verificationSummary")
        summary.setWordWrap(True)
        summary.setStyleSheet(f"font-weight:bold; color:{OK_COLOUR if not trouble else BAD_COLOUR};")
        layout.addWidget(summary)
        self.list = QListWidget()
        for colour, text in verification_lines(result, names):
            item = QListWidgetItem(text)
            item.setForeground(_colour(colour))
            self.list.addItem(item)
        layout.addWidget(self.list)
        buttons = QDialogButtonBox()
        buttons.addButton(tr("关闭"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def texts(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]


def _colour(name: str):  # noqa: ANN202 - QColor
    from PySide6.QtGui import QColor

    return QColor(name)
