"""Look at a file before opening it: is it ours, whole, not from a newer version? Never writes."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from msgspec import Struct

from ..i18n import tr
from ..paths import shipped_set_names
from .checked import already_checked
from .errors import DocumentError
from .recovery import interrupted_error, journal_path, needs_rollback
from .schema import distrust_schema, reference, schema_problem
from .special import require_document_file, require_plain_journal
from .validate import content_problem, meta_problem

APPLICATION_ID = 0x474B4231  # "GKB1"
SQLITE_MAGIC = b"SQLite format 3\x00"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls (and .doc) files
HEADER_SIZE = 100
BUSY_TIMEOUT_MS = 3000


class ProbeResult(Struct, frozen=True):
    """What the probe learned: the schema version and whether the file may be written."""

    user_version: int
    writable: bool
    readonly_reason: str | None


def _has_journal(path: Path) -> bool:
    """A save cut short may have grown the page count before the pages: its journal will put it right."""
    journal = journal_path(path)
    return journal.is_file() and journal.stat().st_size > 0


def _what_else(path: Path, head: bytes) -> str:
    """What the file seems to be instead, and what to do with it."""
    excel = tr("它看起来是 Excel 工作簿，请用“导入 Excel”（gongkai import）打开。")
    if head.startswith(OLE2_MAGIC):
        return excel
    if head.startswith(b"PK"):
        import zipfile  # only for a file that is not ours

        try:
            with zipfile.ZipFile(path) as zf:
                names = set(zf.namelist())
        except (zipfile.BadZipFile, OSError):
            return tr("它像是一个已损坏的压缩包或 Excel 工作簿，请向发送者重新索取。")
        if "[Content_Types].xml" in names:
            return excel
        return tr("它是一个 ZIP 压缩包，请先解压，再打开其中的 .gkb 文件。")
    return tr("请确认选择的是本软件保存的 .gkb 文件（Excel 工作簿请用“导入 Excel”）。")


def _header_problem(path: Path, head: bytes, size: int) -> DocumentError | None:
    if size == 0:
        return DocumentError(
            "empty", tr("文件“{name}”是空的（0 字节），不是公开表工作台文档。可能复制或下载没有完成，请重新获取该文件。", name=path.name)
        )
    if not head.startswith(SQLITE_MAGIC):
        return DocumentError("not_document", tr("文件“{name}”不是公开表工作台文档（.gkb），无法识别其格式。{what_else}",
                                                name=path.name, what_else=_what_else(path, head)))
    if len(head) < HEADER_SIZE:
        return DocumentError("corrupt", tr("文件“{name}”不完整（文件头被截断），无法打开。请使用备份或向发送者重新索取。", name=path.name))
    if head[18:20] != b"\x01\x01":  # WAL mode: reading it would create -wal/-shm files beside it
        return DocumentError(
            "tampered", tr("文件“{name}”被其他工具改成了 WAL 日志模式（本软件保存的文件不会这样），读取它会在旁边生成文件，"
                           "因此未打开，文件未做任何改动。请向发送者重新索取原始文件。", name=path.name))
    page_size = int.from_bytes(head[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    page_count = int.from_bytes(head[28:32], "big")
    if page_size and page_count and size < page_size * page_count and not _has_journal(path):
        return DocumentError(
            "corrupt",
            tr("文件“{name}”不完整（应有 {expected} 字节，实际 {size} 字节），可能被截断或复制中断。"
               "请使用备份或向发送者重新索取。", name=path.name, expected=page_size * page_count, size=size),
        )
    return None


def _write_access(path: Path) -> str | None:
    if not os.access(path, os.W_OK):
        return tr("文件是只读的")
    if not os.access(path.parent, os.W_OK):
        return tr("文件所在的文件夹不可写入（保存时需要在同一文件夹写入临时日志）")
    return None


def _operational_problem(path: Path, head: bytes, exc: sqlite3.OperationalError) -> DocumentError:
    """A read that failed although the header looked right: an interrupted save, a writer, or damage."""
    if needs_rollback(exc):
        if int.from_bytes(head[68:72], "big") != APPLICATION_ID:
            return DocumentError(
                "foreign", tr("文件“{name}”是其他程序的 SQLite 数据库，不是公开表工作台文档，未做任何改动。请选择本软件保存的 .gkb 文件。", name=path.name)
            )
        return interrupted_error(path)
    if getattr(exc, "sqlite_errorcode", 0) & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return DocumentError(
            "locked", tr("文件“{name}”正被其他程序写入（数据库被锁定），暂时无法打开。请稍后再试，或关闭正在使用它的程序。", name=path.name)
        )
    return DocumentError(
        "corrupt", tr("文件“{name}”已损坏或不完整，无法打开（{error}）。请使用备份或向发送者重新索取。", name=path.name, error=exc)
    )


def _refuse_content(path: Path, conn: sqlite3.Connection, user_version: int) -> None:
    """Planted SQL, then values of kinds our code does not expect: each refused with what is wrong."""
    if user_version < 1:
        raise DocumentError("tampered", tr("文件“{name}”的格式版本号（{user_version}）无效，可能被其他工具改动过，"
                                           "未打开，文件未做任何改动。请向发送者重新索取原始文件或使用备份。",
                                           name=path.name, user_version=user_version))
    problem = schema_problem(conn, user_version)
    if problem:
        raise DocumentError(
            "tampered", tr("文件“{name}”的数据库结构与公开表工作台保存的不一致（{problem}），可能被其他工具改动过，"
                           "其中可能藏有打开或修改时会自动执行的指令。为安全起见未打开，文件未做任何改动。请向发送者重新索取原始文件。", name=path.name, problem=problem))
    checked_before = already_checked(path)  # as this program left it after checking it in full (checked.py)
    if not checked_before:
        status = conn.execute("PRAGMA quick_check").fetchone()[0]
        if status != "ok":
            raise DocumentError("corrupt", tr("文件“{name}”已损坏（{status}），无法打开。请使用备份或向发送者重新索取。",
                                              name=path.name, status=status))
    tables = {name for kind, name, _, _ in reference(user_version) if kind == "table"}
    problem = None if checked_before else content_problem(conn, tables, user_version)
    if problem is None:
        keys = ("set_id", "money_unit", "year")
        meta = dict(conn.execute(f"SELECT key, value FROM meta WHERE key IN {keys}").fetchall())
        problem = meta_problem(meta)
    if problem:
        raise DocumentError(
            "bad_content", tr("文件“{name}”的内容不合规：{problem}。文件可能被其他工具改动过或已损坏，"
                              "为安全起见未打开，文件未做任何改动。请向发送者重新索取，或使用备份。", name=path.name, problem=problem))
    set_id = meta["set_id"]
    if set_id not in shipped_set_names():
        raise DocumentError("unknown_set", tr("文件“{name}”使用的模板“{set_id}”本软件没有，请升级软件；"
                                              "文件未做任何改动。", name=path.name, set_id=set_id))


# the parts of a document whose checks have engines of their own, and a table that holds rows when it has one
_PARTS = {"forms": ("jx_form",), "prose": ("narrative_section", "prior_figure")}


def parts_held(path: Path) -> frozenset[str]:
    """Which of ``forms`` (绩效 forms) and ``prose`` (情况说明 or 上年数) ``path`` seems to hold: a hint for what
    a start loads early. Never raises and never writes (a read-only look at three tables; anything odd
    answers "none"); opening the file still checks it in full."""
    try:
        require_document_file(path)
        # timeout 0: a file another process is writing answers "busy" at once (the default would wait 5 s)
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=0)
    except (DocumentError, sqlite3.Error, OSError, ValueError):
        return frozenset()
    try:
        return frozenset(part for part, tables in _PARTS.items() if any(
            conn.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone() is not None for table in tables))
    except sqlite3.Error:
        return frozenset()
    finally:
        conn.close()


def probe(path: Path, schema_version: int) -> ProbeResult:
    """Check ``path`` without changing a byte; raise :class:`DocumentError` if it cannot be opened."""
    require_document_file(path)  # a FIFO, device or socket is never opened
    require_plain_journal(path, journal_path(path))
    try:
        with path.open("rb") as fh:
            head = fh.read(HEADER_SIZE)
        size = path.stat().st_size
    except PermissionError as exc:
        raise DocumentError("unreadable", tr("没有权限读取文件“{name}”。请检查文件权限。", name=path.name)) from exc
    except OSError as exc:
        raise DocumentError("unreadable", tr("无法读取文件“{name}”（{reason}）。请确认文件所在的磁盘可以访问。",
                                             name=path.name, reason=exc.strerror)) from exc
    problem = _header_problem(path, head, size)
    if problem:
        raise problem
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise DocumentError("corrupt", tr("文件“{name}”无法读取：{error}", name=path.name, error=exc)) from exc
    try:
        distrust_schema(conn)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        user_version = conn.execute("PRAGMA user_version").fetchone()[0]
        if app_id != APPLICATION_ID:
            raise DocumentError(
                "foreign", tr("文件“{name}”是其他程序的 SQLite 数据库，不是公开表工作台文档，未做任何改动。请选择本软件保存的 .gkb 文件。", name=path.name)
            )
        if user_version > schema_version:
            raise DocumentError(
                "newer",
                tr("文件“{name}”由较新版本的公开表工作台保存（文件格式版本 {user_version}，本软件支持到 {schema_version}）。"
                   "请升级软件后再打开；文件未做任何改动。", name=path.name, user_version=user_version, schema_version=schema_version),
            )
        _refuse_content(path, conn, user_version)
    except sqlite3.OperationalError as exc:
        raise _operational_problem(path, head, exc) from exc
    except sqlite3.DatabaseError as exc:
        raise DocumentError(
            "corrupt", tr("文件“{name}”已损坏或不完整，无法打开（{error}）。请使用备份或向发送者重新索取。", name=path.name, error=exc)
        ) from exc
    finally:
        conn.close()
    reason = _write_access(path)
    return ProbeResult(user_version, reason is None, reason)
