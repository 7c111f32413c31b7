"""Small dialogs: new document, add a 科目 row with completion, 关于."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from .. import __version__
from ..core.codes import CodeLists
from ..core.definitions import TemplateSet, all_sets
from ..core.i18n import tr
from .app_name import APP_NAME
from .fit_screen import SMALL_SCREEN


class NewDocumentDialog(QDialog):
    """Choose the table set, unit, year, money unit and where the file goes."""

    def __init__(self, parent: QWidget | None = None, folder: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("新建文档"))
        self.sets: dict[str, TemplateSet] = all_sets()
        self.set_box = QComboBox()
        for tset in self.sets.values():
            self.set_box.addItem(f"{tset.name}（{tset.info.kind}，{tset.info.year}）", tset.id)
        self.unit = QLineEdit()
        self.unit.setPlaceholderText(tr("如：某某县医疗保障局"))
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.money_unit = QComboBox()
        for unit in ("元", "万元"):  # stored in the file as written here; shown translated
            self.money_unit.addItem(tr(unit), unit)
        self.path = QLineEdit()
        browse = QPushButton(tr("浏览…"))
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        self.folder = folder
        form = QFormLayout(self)
        form.addRow(tr("表套"), self.set_box)
        form.addRow(tr("单位名称"), self.unit)
        form.addRow(tr("年度"), self.year)
        form.addRow(tr("金额单位"), self.money_unit)
        form.addRow(tr("保存到"), row)
        form.addRow(_ok_cancel(self, tr("创建"), self._accept))
        self.set_box.currentIndexChanged.connect(self._set_changed)
        self._set_changed()

    def chosen_set(self) -> TemplateSet:
        return self.sets[self.set_box.currentData()]

    def _set_changed(self) -> None:
        tset = self.chosen_set()
        self.year.setValue(tset.info.year)
        unit = self.money_unit.findData(tset.info.money_unit)
        if unit >= 0:
            self.money_unit.setCurrentIndex(unit)

    def _browse(self) -> None:
        name = tr("{unit}-{year}.gkb", unit=self.unit.text().strip() or tr("新文档"), year=self.year.value())
        path, _ = QFileDialog.getSaveFileName(self, tr("保存新文档"), str(Path(self.folder or Path.home()) / name),
                                              tr("公开表文档 (*.gkb)"))
        if path:
            self.path.setText(path if path.endswith(".gkb") else path + ".gkb")

    def _accept(self) -> None:
        if not self.unit.text().strip():
            QMessageBox.warning(self, tr(APP_NAME), tr("请填写单位名称。"))
            return
        if not self.path.text().strip():
            self._browse()
            if not self.path.text().strip():
                return
        self.accept()

    def meta(self) -> dict[str, str]:
        tset = self.chosen_set()
        return {"set_id": tset.id, "set_version": tset.info.version, "unit_name": self.unit.text().strip(),
                "year": str(self.year.value()), "money_unit": self.money_unit.currentData()}


def _ok_cancel(dialog: QDialog, ok_text: str, on_ok) -> QDialogButtonBox:  # noqa: ANN001
    """确定/取消 buttons in Chinese, whatever the system language."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("取消"))
    buttons.accepted.connect(on_ok)
    buttons.rejected.connect(dialog.reject)
    return buttons


def _code_completer(codes: CodeLists, list_name: str, year: int, parent: QWidget) -> QCompleter:
    entries = codes.search(list_name, "", year, limit=100000)
    completer = QCompleter(QStringListModel([f"{e.code} {e.name}" for e in entries], parent), parent)
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    completer.setMaxVisibleItems(15)
    return completer


class AddRowDialog(QDialog):
    """Type a 科目编码 or part of a name; the completer offers codes with their names.

    For a paired block (预算 表6) a second code (政府经济科目) is asked for the detail row.
    """

    def __init__(self, codes: CodeLists, list_name: str, year: int, parent: QWidget | None = None,
                 pair_list: str | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("增加科目行"))
        self.codes, self.list_name, self.year, self.pair_list = codes, list_name, year, pair_list
        self.code = QLineEdit()
        self.code.setPlaceholderText(tr("输入科目编码或名称，如 2080505 或 养老保险"))
        self.code.setCompleter(_code_completer(codes, list_name, year, self))
        self.name = QLabel("")
        self.code.textChanged.connect(self._update_name)
        form = QFormLayout(self)
        form.addRow(tr("科目编码"), self.code)
        form.addRow(tr("科目名称"), self.name)
        self.code2: QLineEdit | None = None
        if pair_list:
            self.code2 = QLineEdit()
            self.code2.setPlaceholderText(tr("明细行填写对应的政府经济科目，如 50501"))
            self.code2.setCompleter(_code_completer(codes, pair_list, year, self))
            form.addRow(tr("政府经济科目"), self.code2)
        form.addRow(QLabel(tr("上级科目行和合计会自动增加并汇总。")))
        form.addRow(_ok_cancel(self, tr("增加"), self.accept))
        self.resize(520, self.sizeHint().height())

    def chosen_code(self) -> str:
        """The row key: the code, or ``code_code2`` for a paired detail row."""
        code = self.code.text().strip().split(" ", 1)[0]
        code2 = self.code2.text().strip().split(" ", 1)[0] if self.code2 is not None else ""
        return f"{code}_{code2}" if code and code2 else code

    def _update_name(self) -> None:
        name = self.codes.name(self.list_name, self.code.text().strip().split(" ", 1)[0], self.year)
        self.name.setText(name or tr("（编码表中没有这个编码；可以增加，但会提示核对）"))


class NamedRowDialog(QDialog):
    """Add a row the clerk names: a top-level row (单位) or a row under the selected one (项目)."""

    def __init__(self, level_names: list[str], parent_caption: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("增加{top}或{bottom}", top=level_names[0], bottom=level_names[-1]))
        self.level = QComboBox()
        self.level.addItem(tr("新{top}", top=level_names[0]), False)
        if parent_caption:
            self.level.addItem(tr("在“{parent_caption}”下新增{child}", parent_caption=parent_caption, child=level_names[1]), True)
            self.level.setCurrentIndex(1)
        self.name = QLineEdit()
        self.name.setPlaceholderText(tr("名称，如 某某中心 或 某某项目"))
        form = QFormLayout(self)
        form.addRow(tr("增加"), self.level)
        form.addRow(tr("名称"), self.name)
        form.addRow(_ok_cancel(self, tr("增加"), self.accept))
        self.resize(460, self.sizeHint().height())

    def under_parent(self) -> bool:
        return bool(self.level.currentData())




class ExplainDialog(QDialog):
    """出错说明 for a 提示: the finding's message wrapped to a readable width, and the clerk's reason.
    (QInputDialog put the whole message on one line: 2,073 px wide, its 确定 off a laptop's screen.)"""

    def __init__(self, message: str, current: str, parent: QWidget | None = None, title: str | None = None,
                 prompt: str | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title or tr("出错说明"))
        label = QLabel(message)
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.setMaximumWidth(640)
        self.text = QPlainTextEdit(current)
        self.text.setPlaceholderText(tr("说明原因，如：年中调整预算，已按财政批复执行"))
        self.text.setMinimumHeight(120)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(QLabel(prompt or tr("说明原因：")))
        layout.addWidget(self.text, 1)
        layout.addWidget(_ok_cancel(self, tr("确定"), self.accept))
        self.resize(min(680, SMALL_SCREEN[0] - 80), min(self.sizeHint().height(), SMALL_SCREEN[1] - 120))

    def reason(self) -> str:
        return self.text.toPlainText()


def show_about(parent: QWidget) -> None:
    QMessageBox.about(parent, tr("关于{app}", app=tr(APP_NAME)),
                      tr("<h3>{app}</h3><p>版本 {version}</p>"
                      "<p>部门决算/预算公开表与绩效自评表的离线填报、审核与导出工具。</p>"
                      "<p>每次修改即时保存到文档文件（.gkb）。</p>", app=tr(APP_NAME), version=__version__))
