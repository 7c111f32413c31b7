"""The last resort: an error nobody foresaw is written to a log file, and the user gets a Chinese sentence.

A traceback on the screen helps nobody at a finance desk; the log keeps it for technical support. The log
lives in the user's own cache folder (never beside the document, which may be a colleague's share).
"""

from __future__ import annotations

import contextlib
import os
import sys
import traceback
from datetime import datetime
from pathlib import Path

from .i18n import tr

MAX_LOG_BYTES = 1_000_000


def log_path() -> Path:
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "gongkai" / "crash.log"


def record(exc: BaseException) -> Path | None:
    """Append the traceback of ``exc`` to the crash log; returns the log's path (None if it can't be written)."""
    path = log_path()
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists() and path.stat().st_size > MAX_LOG_BYTES:
            path.replace(path.with_suffix(".log.1"))
        with path.open("a", encoding="utf-8") as fh:
            fh.write(f"--- {datetime.now().isoformat(timespec='seconds')} {' '.join(sys.argv)}\n")
            fh.write("".join(traceback.format_exception(exc)))
        return path
    return None


def internal_error_message(exc: BaseException) -> str:
    """What the user is told about an unforeseen error (contains 内部错误, which tests look for)."""
    where = record(exc)
    log = tr("详细信息已记入“{where}”，", where=where) if where else ""
    return (tr("程序内部错误（{name}），本次操作没有完成。{log}请把该文件发给技术支持。"
            "已保存的内容不受影响。", name=type(exc).__name__, log=log))
