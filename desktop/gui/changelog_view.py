"""修改记录: who changed which cell when, from what to what; filterable by table and person."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..core.i18n import N_, tr
from ..core.session import Session
from .qt_values import chosen
from .times import short_time

COLUMNS = (N_("时间"), N_("修改人"), N_("操作"), N_("位置"), N_("原值"), N_("新值"))
ACTIONS = {"set": N_("填写"), "paste": N_("粘贴"), "undo": N_("撤销"), "redo": N_("重做"), "derive": N_("自动合计"), "load": N_("导入"),
           "create": N_("新建"), "add_row": N_("增加科目行"), "remove_row": N_("删除科目行"),
           "review.comment": N_("批注"), "review.reply": N_("回复批注"), "review.resolve": N_("解决批注"),
           "review.reopen": N_("重新打开批注"), "review.submitted": N_("提交审核"), "review.approved": N_("审核通过"),
           "review.returned": N_("退回"), "review.draft": N_("改为填报中")}


class ChangeLogDialog(QDialog):
    """The document's change log, newest first, with a table filter and a person filter."""

    def __init__(self, session: Session, parent: QWidget | None = None, table: str | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("修改记录"))
        self.session = session
        self.entries = session.doc.change_log()
        self.table_box = QComboBox()
        self.table_box.addItem(tr("全部表"))  # no data: see chosen()
        present = {e["tbl"] for e in self.entries if e["tbl"]}
        for t in session.tset.tables:
            if t.key in present:
                self.table_box.addItem(f"{t.label} {t.title}".strip(), t.key)
        for key in sorted(k for k in present if k.startswith("jixiao:")):
            self.table_box.addItem(session.review.table_name(key), key)
        self.who_box = QComboBox()
        self.who_box.addItem(tr("全部人员"))
        for who in sorted({e["who"] or "" for e in self.entries}):
            self.who_box.addItem(who or tr("（未署名）"), who)
        self.count = QLabel()
        self.list = QTableWidget(0, len(COLUMNS))
        self.list.setHorizontalHeaderLabels([tr(c) for c in COLUMNS])
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.list.verticalHeader().hide()
        self.list.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(tr("表：")))
        bar.addWidget(self.table_box)
        bar.addWidget(QLabel(tr("人员：")))
        bar.addWidget(self.who_box)
        bar.addWidget(self.count, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.list, 1)
        if table is not None and self.table_box.findData(table) >= 0:
            self.table_box.setCurrentIndex(self.table_box.findData(table))
        self.table_box.currentIndexChanged.connect(self.fill)
        self.who_box.currentIndexChanged.connect(self.fill)
        self.resize(980, 560)
        self.fill()

    def shown_entries(self) -> list[dict]:
        table, who = chosen(self.table_box), chosen(self.who_box)
        return [e for e in self.entries
                if (table is None or e["tbl"] == table) and (who is None or (e["who"] or "") == who)]

    def fill(self) -> None:
        shown = self.shown_entries()
        self.list.setRowCount(len(shown))
        for r, e in enumerate(shown):
            where = self.session.review.place(e["tbl"], e["row"], e["col"]) if e["tbl"] else ""
            if e["tbl"] and not e["tbl"].startswith("jixiao:") and not self.session.tset.has_table(e["tbl"]):
                where = e["tbl"]
            new = e["new"] or ""
            if e["action"] == "create" and new == self.session.tset.id:
                new = tr("新建文档（{name}）", name=self.session.tset.name)  # the set's title, not its internal id
            texts = (short_time(e["at"] or ""), e["who"] or "", tr(ACTIONS[e["action"]]) if e["action"] in ACTIONS else e["action"] or "",
                     where, e["old"] or "", new)
            for c, text in enumerate(texts):
                self.list.setItem(r, c, QTableWidgetItem(text))
        self.list.resizeColumnsToContents()
        self.list.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.count.setText(tr("共 {shown_count} 条", shown_count=len(shown)))
