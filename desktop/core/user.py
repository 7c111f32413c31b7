"""Who is at the keyboard: recorded with every change, comment and sign-off (not an access control)."""

from __future__ import annotations

import getpass
import os


def current_user() -> str:
    """``GONGKAI_USER`` if set, else the login name."""
    return os.environ.get("GONGKAI_USER") or getpass.getuser()
