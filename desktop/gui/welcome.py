"""The welcome window: 新建 / 打开 / 最近文件 / 打开示例."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..core.i18n import tr
from . import settings as app_settings
from .app_name import APP_NAME


class WelcomeWindow(QWidget):
    def __init__(self, hooks: object) -> None:
        super().__init__()
        self.hooks = hooks
        self.files: list[str] = []
        self.setWindowTitle(tr(APP_NAME))
        self.setObjectName("welcomeWindow")
        title = QLabel(tr("<h2>{app}</h2><p>部门决算/预算公开表的离线填报、审核与导出</p>", app=tr(APP_NAME)))
        self.new_button = QPushButton(tr("新建…"))
        self.open_button = QPushButton(tr("打开…"))
        self.demo_button = QPushButton(tr("打开示例"))
        self.import_button = QPushButton(tr("导入 Excel…"))
        self.recent = QListWidget()
        self.recent.setObjectName("recentFiles")
        buttons = QVBoxLayout()
        for b in (self.new_button, self.open_button, self.import_button, self.demo_button):
            b.setMinimumWidth(140)
            buttons.addWidget(b)
        buttons.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(QLabel(tr("最近文件（双击打开）")))
        right.addWidget(self.recent, 1)
        body = QHBoxLayout()
        body.addLayout(buttons)
        body.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(body, 1)
        self.new_button.clicked.connect(lambda: hooks.new_document(self))
        self.open_button.clicked.connect(lambda: hooks.open_dialog(self))
        self.demo_button.clicked.connect(hooks.open_demo)
        self.import_button.clicked.connect(lambda: hooks.import_dialog(self))
        self.recent.itemActivated.connect(self._activated)
        self.refresh()
        self.resize(640, 400)

    def refresh(self) -> None:
        self.recent.clear()
        files = app_settings.recent_files()
        self.files = files  # row i of the list is files[i]; kept in Python, not in item.data() (qt_values)
        if not files:
            hint = QListWidgetItem(tr("还没有打开过文件：可以新建一个文档，或先打开示例看看。"))
            hint.setFlags(Qt.ItemFlag.NoItemFlags)
            self.recent.addItem(hint)
        for path in files:
            item = QListWidgetItem(f"{Path(path).name}\n{Path(path).parent}")
            if not Path(path).exists():
                item.setForeground(Qt.GlobalColor.gray)
                item.setToolTip(tr("文件已不存在"))
            self.recent.addItem(item)

    def _activated(self, item: QListWidgetItem) -> None:
        row = self.recent.row(item)
        if 0 <= row < len(self.files):
            self.hooks.open_path(Path(self.files[row]), self)
