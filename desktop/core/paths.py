"""Where the application's data folders are: resources/ and db/ beside the package."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def project_root() -> Path:
    """The folder holding resources/ and db/ (the checkout, or a PyInstaller bundle)."""
    override = os.environ.get("GONGKAI_ROOT")
    if override:
        return Path(override)
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle)
    return Path(__file__).resolve().parents[2]


def resources_dir() -> Path:
    return project_root() / "resources"


def templates_dir() -> Path:
    return resources_dir() / "templates"


def codes_dir() -> Path:
    return resources_dir() / "codes"


def migrations_dir() -> Path:
    return project_root() / "db" / "migrations"
