"""Shared fixtures: the seeds under ../shared and documents built from them."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("GONGKAI_USER", "测试员")

PROJECT = Path(__file__).resolve().parents[1]
SEEDS = PROJECT.parent / "shared" / "seeds"


def seed_path(stem: str) -> Path:
    path = SEEDS / f"{stem}.json"
    if not path.exists():
        pytest.skip(f"../shared/seeds/{stem}.json is not beside the project")
    return path


def seed_data(stem: str) -> dict:
    return json.loads(seed_path(stem).read_text(encoding="utf-8"))


@pytest.fixture(autouse=True)
def own_profile(tmp_path_factory, monkeypatch):
    """Each test signs with keys in its own profile folder, never the real one (see core/user.profile_dir)."""
    folder = tmp_path_factory.mktemp("profile")
    monkeypatch.setenv("GONGKAI_PROFILE", str(folder))
    return folder


@pytest.fixture
def load_seed(tmp_path):
    """Build a document from a seed's published figures; returns (session, conversion)."""
    from desktop.core.formats.dump import load_dump
    from desktop.core.formats.published import convert_published
    from desktop.core.session import Session

    opened = []

    def build(stem: str, set_id: str | None = None, transform=None):
        data = seed_data(stem)
        conversion = convert_published(data, set_id)
        dump = transform(conversion.dump) if transform else conversion.dump
        doc = load_dump(dump, tmp_path / f"{stem}.gkb", who="测试员")
        session = Session(doc)
        opened.append(session)
        return session, conversion

    yield build
    for session in opened:
        session.close()


@pytest.fixture
def messages(monkeypatch):
    """The warnings the application would show in modal boxes, collected instead (GUI tests)."""
    from PySide6.QtWidgets import QMessageBox

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a, **k: shown.append(text))
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text, *a, **k: shown.append(text))

    def exec_box(box: QMessageBox) -> int:  # a box built and shown modally (e.g. the import report)
        shown.append("\n".join(t for t in (box.text(), box.informativeText(), box.detailedText()) if t))
        return QMessageBox.StandardButton.Ok.value

    monkeypatch.setattr(QMessageBox, "exec", exec_box)
    return shown


def make_old_document(path: Path, version: int, meta: dict[str, str],
                      cells: dict[tuple[str, str, str], int]) -> Path:
    """A document as an older release wrote it: only migrations up to ``version`` applied."""
    import sqlite3

    from desktop.core.document import APPLICATION_ID
    from desktop.core.document.migrations import migrations

    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    for number, sql in migrations():
        if number <= version:
            for statement in sql.split(";\n"):
                if statement.strip():
                    conn.execute(statement)
    conn.execute(f"PRAGMA user_version = {version}")
    conn.executemany("INSERT INTO meta(key, value) VALUES (?, ?)", sorted(meta.items()))
    conn.executemany("INSERT INTO cell(tbl, row, col, num) VALUES (?, ?, ?, ?)",
                     [(*cell, num) for cell, num in cells.items()])
    conn.close()
    return path
