"""Who is at the keyboard (recorded with every change, comment and sign-off), and where their profile is.

The name is not an access control by itself: what makes a 审核通过 trustworthy is the signing key kept in
the person's profile folder (see :mod:`desktop.core.review.keys`).
"""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

APP_FOLDER = "gongkai"


def current_user() -> str:
    """``GONGKAI_USER`` if set, else the login name."""
    return os.environ.get("GONGKAI_USER") or getpass.getuser()


def profile_dir() -> Path:
    """This computer user's own folder for the application (signing keys, signers seen).

    ``GONGKAI_PROFILE`` if set (tests point it at a temporary folder); else the platform's per-user
    configuration folder: ``%APPDATA%\\gongkai`` on Windows, ``~/Library/Application Support/gongkai`` on
    macOS, ``$XDG_CONFIG_HOME/gongkai`` (default ``~/.config/gongkai``) elsewhere. Never beside a
    document: documents travel, the profile stays with its person.
    """
    override = os.environ.get("GONGKAI_PROFILE")
    if override:
        return Path(override)
    if sys.platform == "win32":
        return Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming") / APP_FOLDER
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / APP_FOLDER
    return Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / APP_FOLDER
