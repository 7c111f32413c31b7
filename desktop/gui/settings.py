"""What the application remembers between runs (QSettings): recent files, user name, window layout."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

from ..core.user import current_user

ORGANISATION = "Gongkai"
APPLICATION = "GongkaiWorkbench"
MAX_RECENT = 10


def settings() -> QSettings:
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANISATION, APPLICATION)


def recent_files(store: QSettings | None = None) -> list[str]:
    value = (store or settings()).value("recent", [])
    if isinstance(value, str):
        value = [value]
    return [p for p in (value or []) if isinstance(p, str)]


def remember_file(path: Path) -> None:
    store = settings()  # one object reads and writes the file: each QSettings reads it again
    path_text = str(Path(path).resolve())
    files = [path_text] + [p for p in recent_files(store) if p != path_text]
    store.setValue("recent", files[:MAX_RECENT])


def user_name() -> str:
    return str(settings().value("user/name", "") or "") or current_user()


def set_user_name(name: str) -> None:
    settings().setValue("user/name", name.strip())
