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


def recent_files() -> list[str]:
    value = settings().value("recent", [])
    if isinstance(value, str):
        value = [value]
    return [p for p in (value or []) if isinstance(p, str)]


def remember_file(path: Path) -> None:
    path_text = str(Path(path).resolve())
    files = [path_text] + [p for p in recent_files() if p != path_text]
    settings().setValue("recent", files[:MAX_RECENT])


def user_name() -> str:
    return str(settings().value("user/name", "") or "") or current_user()


def set_user_name(name: str) -> None:
    settings().setValue("user/name", name.strip())
