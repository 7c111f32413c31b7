"""Where the application's data folders are: resources/ (template sets, code lists, icons) and db/ (migrations).

Looked for in this order:

1. ``GONGKAI_ROOT``: a folder holding resources/ and db/ (tests point it at a temporary folder);
2. a PyInstaller bundle: ``sys._MEIPASS`` (packaging/gongkai.spec copies both folders there);
3. an installed wheel: the package data ``desktop/_data/`` (pyproject.toml maps resources/ and db/ there),
   found beside the package's own files (what :mod:`importlib.resources` gives for a package on disk; it is
   asked only when the package is not on disk, e.g. imported from a zip, since importing it costs start-up time);
4. the checkout (an editable install, or running from the project folder): the folder above ``desktop/``.
"""

from __future__ import annotations

import os
import sys
from functools import cache
from pathlib import Path

PACKAGED_DATA = "_data"  # the folder inside the installed ``desktop`` package that holds resources/ and db/


@cache
def installed_root() -> Path:
    """Where this copy of the package keeps resources/ and db/: the wheel's ``desktop/_data``, else the checkout.

    Looked up once per process: where the package is installed does not change while it runs.
    """
    package = Path(__file__).resolve().parents[1]  # desktop/
    packaged = package / PACKAGED_DATA
    if not package.is_dir():  # not on disk: ask the package's loader
        from importlib.resources import files

        packaged = Path(str(files("desktop") / PACKAGED_DATA))
    if (packaged / "resources").is_dir():
        return packaged
    return package.parent


def project_root() -> Path:
    """The folder holding resources/ and db/ (see the module's docstring for the order)."""
    override = os.environ.get("GONGKAI_ROOT")
    if override:
        return Path(override)
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle)
    return installed_root()


def resources_dir() -> Path:
    return project_root() / "resources"


def templates_dir() -> Path:
    return resources_dir() / "templates"


def shipped_set_names() -> frozenset[str]:
    """The names of the shipped template set folders (those holding a set.yaml): a set's id is its folder's name.

    A set id read from a received file is only ever compared with these names, never joined into a path.
    """
    base = templates_dir()
    return frozenset(p.parent.name for p in base.glob("*/set.yaml"))


def codes_dir() -> Path:
    return resources_dir() / "codes"


def migrations_dir() -> Path:
    return project_root() / "db" / "migrations"
