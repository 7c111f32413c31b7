"""The document file: one SQLite file per unit, year and template set.

Rollback journal (no -wal/-shm files beside it) and ``synchronous=FULL``; every edit is one committed
transaction, so nothing shown as saved can be lost. Opening first probes the file without writing
(see :mod:`.probe`); a read-only or foreign or newer file is never changed.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ..i18n import N_, tr
from ..money import to_plain
from . import changelog, numbers
from .changelog import Entry
from .checked import file_state, kept_with, records_on, remember_checked, state_as_left
from .errors import DocumentError
from .lock import LockDamaged, LockedByOther, LockInfo, acquire, release
from .migrations import migrate, schema_version
from .probe import APPLICATION_ID, probe
from .recovery import foreign_journal_error, journal_belongs, recover, recovered_copy
from .schema import distrust_schema
from .tx import Tx
from .validate import meta_problem
from .write_errors import FileIdentity, new_file_error, replaced_error, write_error

if TYPE_CHECKING:
    from .undo_rows import Recorder

Cell = tuple[str, str, str]
FILE_SUFFIX = ".gkb"
BUSY_TIMEOUT_MS = 3000
REVIEW_MODE_MESSAGE = N_("审阅模式下数字不能修改，只能写批注和审核；如需修改，请以“编辑”方式打开文件。")  # shown through tr()


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _connect(path: Path, readonly: bool) -> sqlite3.Connection:
    uri = f"{path.resolve().as_uri()}?mode={'ro' if readonly else 'rw'}"
    conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
    distrust_schema(conn)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    if not readonly:
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.execute("PRAGMA synchronous = FULL")
    return conn


def _upgrade(conn: sqlite3.Connection, path: Path, version: int) -> None:
    """Migrate an older document forward in one transaction; on failure the file is unchanged."""
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        conn.close()
        raise DocumentError("locked", tr("文件“{name}”正被其他程序使用，暂时无法升级格式（{error}）。", name=path.name, error=exc)) from exc
    try:
        migrate(conn, version)
        conn.execute("COMMIT")
    except sqlite3.Error as exc:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        conn.close()
        raise DocumentError(
            "migration_failed", tr("文件“{name}”的格式无法升级（{error}），文件未做任何改动。请把文件发给技术支持。", name=path.name, error=exc)
        ) from exc


def _memory_copy(source_path: Path, version: int, path: Path) -> sqlite3.Connection:
    """A document opened read-only through a copy in memory, upgraded to today's format if older.

    Used for an older document (the file itself is never written: it may sit on a read-only share, or be
    a colleague's copy; the next writable open upgrades the file for real) and for the rolled-back copy
    of a file whose last save was cut short (``source_path`` then is that copy, ``path`` the original).
    """
    source = _connect(source_path, True)
    copy = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    distrust_schema(copy)
    try:
        source.backup(copy)
        if version < schema_version():
            copy.execute("BEGIN")
            migrate(copy, version)
            copy.execute("COMMIT")
    except sqlite3.Error as exc:
        copy.close()
        raise DocumentError(
            "migration_failed", tr("文件“{name}”来自旧版本，但无法按新格式读取（{error}），文件未做任何改动。请把文件发给技术支持。",
                                   name=path.name, error=exc)
        ) from exc
    finally:
        source.close()
    return copy


def _temp_beside(path: Path, prefix: str) -> Path:
    """An empty temporary file in ``path``'s folder (renamed over ``path`` once complete)."""
    import tempfile  # only when a file is created or saved as

    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=FILE_SUFFIX, dir=folder)
    except OSError as exc:
        raise new_file_error(path, exc) from exc
    os.close(fd)
    return Path(tmp)


def _make_shareable(path: Path) -> None:
    """mkstemp creates 0600 files; a document follows the umask like any file the clerk saves."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o666 & ~umask)


class Document:
    """An open document file. Use :meth:`create` or :meth:`open`; close with :meth:`close`."""

    def __init__(self, path: Path, conn: sqlite3.Connection, readonly: bool, readonly_reason: str | None,
                 lock_file: Path | None = None, other_editor: LockInfo | None = None) -> None:
        self.path, self._conn = path, conn
        self.readonly, self.readonly_reason = readonly, readonly_reason
        self._lock_file = lock_file
        self.other_editor = other_editor  # set when read-only because someone else is editing
        self.review_mode = False  # 审阅: figures refused, review writes (comments, states) allowed
        self.meta: dict[str, str] = dict(conn.execute("SELECT key, value FROM meta"))
        self._identity = None if readonly else FileIdentity.of(path)  # a file replaced later is never written
        self.recorder: Recorder | None = None  # set by the Session: each edit transaction becomes an undo step
        self._state_as_left = state_as_left(path)  # when the file is exactly as this program left it (checked.py)
        self._kept: bytes | None = None  # what that close kept with it, read when first asked

    # -- opening and creating -------------------------------------------------------------------
    @classmethod
    def create(cls, path: Path, meta: Mapping[str, str], *, who: str = "") -> Document:
        """Create a new document at ``path`` (which must not exist), atomically."""
        path = Path(path)
        if path.exists():
            raise DocumentError("exists", tr("文件“{path}”已存在，未覆盖。请换一个文件名。", path=path))
        folder = path.parent if str(path.parent) else Path(".")
        if not folder.is_dir():
            raise DocumentError("missing", tr("文件夹“{folder}”不存在。", folder=folder))
        problem = meta_problem(meta)  # what opening would refuse is never written
        if problem:
            raise DocumentError("bad_content", tr("无法创建文件“{name}”：{problem}。请改正后再试。",
                                                  name=path.name, problem=problem))
        tmp_path = _temp_beside(path, ".gongkai-new-")
        conn = None
        try:
            conn = sqlite3.connect(tmp_path, isolation_level=None)
            distrust_schema(conn)
            conn.execute("PRAGMA journal_mode = DELETE")
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.execute("BEGIN")
            migrate(conn, 0)
            full = {"created_at": now_iso(), "created_by": who, **meta}
            conn.executemany("INSERT INTO meta(key, value) VALUES (?, ?)", sorted(full.items()))
            changelog.log(conn, now_iso(), who, "create", new=meta.get("set_id", ""))
            conn.execute("COMMIT")
            conn.close()
            with tmp_path.open("rb+") as fh:
                os.fsync(fh.fileno())
            _make_shareable(tmp_path)
            if path.exists():
                raise DocumentError("exists", tr("文件“{path}”已存在，未覆盖。", path=path))
            os.replace(tmp_path, path)
        except (OSError, sqlite3.Error) as exc:
            if conn is not None:
                conn.close()
            tmp_path.unlink(missing_ok=True)
            raise new_file_error(path, exc) from exc
        except BaseException:
            tmp_path.unlink(missing_ok=True)
            raise
        try:
            return cls.open(path)
        except DocumentError:
            path.unlink(missing_ok=True)  # the file just made (e.g. for a set not shipped) is not left behind
            raise

    @classmethod
    def open(cls, path: Path, *, readonly: bool = False, who: str = "") -> Document:
        """Open an existing document; falls back to read-only (with a reason) if it cannot be written,
        or if another running copy of the application has it open for editing."""
        path = Path(path)
        identity = FileIdentity.of(path)  # the file probed must be the file read afterwards
        try:
            result = probe(path, schema_version())
        except DocumentError as exc:
            if exc.code != "interrupted":
                raise
            if not journal_belongs(path):
                raise foreign_journal_error(path) from exc
            if readonly:  # a read-only open never writes: read a rolled-back copy made elsewhere
                return cls._open_recovered(path)
            recover(path, BUSY_TIMEOUT_MS)  # a crash cut a save short: restore the last committed state
            result = probe(path, schema_version())
        reason = None if result.writable else result.readonly_reason
        ro = readonly or not result.writable
        lock_file = other = None
        if not ro:
            try:
                lock_file = acquire(path, who)
            except LockedByOther as exc:
                other = exc.info
                ro, reason = True, tr("{holder}；如确认对方已关闭软件或电脑，可删除同一文件夹中的“{lock_file}”后重新打开",
                                      holder=exc.info.describe(), lock_file=exc.lock_file.name)
            except LockDamaged as exc:
                ro, reason = True, exc.reason()
        try:
            if ro and result.user_version < schema_version():
                conn = _memory_copy(path, result.user_version, path)
            else:
                conn = _connect(path, ro)
            if FileIdentity.of(path) != identity:
                conn.close()
                raise replaced_error(path)
            if not ro and result.user_version < schema_version():
                _upgrade(conn, path, result.user_version)
        except BaseException as exc:
            release(lock_file)
            if isinstance(exc, sqlite3.OperationalError):
                raise DocumentError("locked", tr("文件“{name}”正被其他程序使用，暂时无法打开（{error}）。", name=path.name, error=exc)) from exc
            raise
        return cls(path, conn, ro, reason if ro and not readonly else (tr("以只读方式打开") if readonly else None),
                   lock_file, other)

    @classmethod
    def _open_recovered(cls, path: Path) -> Document:
        """Read-only view of a file whose last save was cut short, through a rolled-back copy in memory."""
        with recovered_copy(path, BUSY_TIMEOUT_MS) as copy:
            result = probe(copy, schema_version())
            conn = _memory_copy(copy, result.user_version, path)
        reason = tr("以只读方式打开（文件上次保存时被中断，显示的是恢复后的内容；以编辑方式打开时会正式恢复）")
        return cls(path, conn, True, reason)

    @property
    def kept_results(self) -> bytes | None:
        """What a close of this program kept with the file's state (``b""``: nothing), when the file was opened
        exactly as that close left it; None otherwise (see checked.py). Read from the record when first asked:
        a command that never asks reads none of it."""
        if self._state_as_left is None:
            return None
        if self._kept is None:
            self._kept = kept_with(self.path, self._state_as_left)
        return self._kept

    def _results_to_keep(self, keep: Callable[[], bytes | None] | None) -> bytes:
        """What ``keep`` gives; else what was kept, while nothing was written since the open; else nothing."""
        try:
            fresh = keep() if keep is not None else None
        except Exception:  # noqa: BLE001 - results are an optimisation: a failure keeps none, never stops a close
            return b""
        if fresh is not None:
            return fresh
        return (self.kept_results or b"") if self.unchanged_since_open() else b""

    def unchanged_since_open(self) -> bool:
        """Whether the file was opened exactly as this program left it and nothing has been written since."""
        return self._state_as_left is not None and file_state(self.path) == self._state_as_left

    def close(self, keep: Callable[[], bytes | None] | None = None) -> None:
        """Close the file. ``keep()`` gives the results to keep with its state for the next open (asked, before
        the connection closes, only when a record is kept); when it gives None, a close that wrote nothing
        keeps what was kept before."""
        recording = self._identity is not None and FileIdentity.of(self.path) == self._identity and records_on()
        try:
            kept = self._results_to_keep(keep) if recording else b""
        finally:
            self._conn.close()
        if recording:
            remember_checked(self.path, kept)  # as this program wrote it: the next open need not scan it
        release(self._lock_file)
        self._lock_file = None

    def __enter__(self) -> Document:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- reading --------------------------------------------------------------------------------
    @property
    def set_id(self) -> str:
        return self.meta["set_id"]

    @property
    def money_unit(self) -> str:
        return self.meta.get("money_unit", "元")

    def values(self) -> dict[Cell, int]:
        return dict(self.iter_values())

    def iter_values(self) -> Iterator[tuple[Cell, int]]:
        """Every figure of the file, as ``(cell, value)``."""
        rows = self._conn.execute("SELECT tbl, row, col, num FROM cell WHERE num IS NOT NULL")
        return (((t, r, c), v) for t, r, c, v in rows)

    def row_values(self, tbl: str, row: str) -> dict[str, int]:
        """The figures of one row, by column (one look-up in the primary key)."""
        return dict(self._conn.execute("SELECT col, num FROM cell WHERE tbl = ? AND row = ? AND num IS NOT NULL",
                                       (tbl, row)))

    def floating_rows_of(self, tbl: str) -> list[tuple[str, str]]:
        """The 科目 rows of one table, as ``(code, name)`` in code order."""
        return self._conn.execute("SELECT code, name FROM float_row WHERE tbl = ? ORDER BY code", (tbl,)).fetchall()

    def floating_rows(self) -> dict[str, list[tuple[str, str]]]:
        out: dict[str, list[tuple[str, str]]] = {}
        for tbl, code, name in self._conn.execute("SELECT tbl, code, name FROM float_row ORDER BY tbl, code"):
            out.setdefault(tbl, []).append((code, name))
        return out

    def change_log(self, limit: int | None = None) -> list[dict[str, str | None]]:
        sql = "SELECT id, at, who, action, tbl, row, col, old, new FROM change_log ORDER BY id DESC"
        if limit:
            sql += f" LIMIT {int(limit)}"
        cols = ("id", "at", "who", "action", "tbl", "row", "col", "old", "new")
        return [dict(zip(cols, rec, strict=True)) for rec in self._conn.execute(sql)]

    def explanations(self) -> dict[str, dict[str, str]]:
        rows = self._conn.execute("SELECT finding_key, text, author, at, basis FROM explanation")
        return {k: {"text": t, "author": a, "at": at, "basis": b} for k, t, a, at, b in rows}

    # -- writing --------------------------------------------------------------------------------
    def _require_writable(self) -> None:
        if self.readonly:
            raise DocumentError("readonly", tr("文件“{name}”以只读方式打开（{reason}），不能修改。",
                                               name=self.path.name, reason=self.readonly_reason))

    @contextmanager
    def transaction(self, *, review: bool = False) -> Iterator[Tx]:
        """One committed transaction, handed to the store functions of this package (see :mod:`.tx`); on
        any error nothing is written. In 审阅 mode only ``review`` writes (comments, states, seals) are allowed."""
        with self._transaction(review=review) as conn:
            yield Tx(conn)

    @contextmanager
    def _transaction(self, *, review: bool = False) -> Iterator[sqlite3.Connection]:
        self._require_writable()
        if self.review_mode and not review:
            raise DocumentError("review_mode", tr(REVIEW_MODE_MESSAGE))
        if self._identity is not None:
            self._identity.require_same(self.path)
        recorder = None if review else self.recorder  # review writes are no undo steps
        try:
            if recorder is not None:
                recorder.prepare(self._conn)
            self._conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise write_error(self.path, exc) from exc
        committed = False
        try:
            if recorder is not None:
                recorder.begin(self._conn)
            yield self._conn
            if recorder is not None:
                recorder.end(self._conn)
        except sqlite3.Error as exc:
            self._roll_back()
            raise write_error(self.path, exc) from exc
        except BaseException:
            self._roll_back()
            raise
        else:
            try:
                self._conn.execute("COMMIT")
                committed = True
            except sqlite3.Error as exc:
                self._roll_back()
                raise write_error(self.path, exc) from exc
        finally:
            if recorder is not None:
                recorder.finished(committed)

    def _roll_back(self) -> None:
        """Undo the open transaction, if SQLite has not already (it does after some I/O errors)."""
        if self._conn.in_transaction:
            with contextlib.suppress(sqlite3.Error):  # the journal puts the file right at the next open
                self._conn.execute("ROLLBACK")

    def write(
        self,
        changes: Mapping[Cell, int | None],
        *,
        who: str,
        action: str = "set",
        decimals: Mapping[Cell, int] | None = None,
        add_rows: Iterable[tuple[str, str, str]] = (),
        remove_rows: Iterable[tuple[str, str]] = (),
        meta: Mapping[str, str] | None = None,
    ) -> None:
        """Write cell values (None clears), floating rows and metadata in one transaction, logged."""
        decimals = decimals or {}
        for cell, value in changes.items():
            if value is not None and not numbers.is_hundredths(value):
                raise DocumentError("bad_value", tr("{cell} 的金额 {value!r} 超出合理范围或不是整数，本次修改未保存。",
                                                    cell="/".join(cell), value=value))
        at = now_iso()
        with self._transaction() as conn:
            entries: list[Entry] = []
            for tbl, code, name in add_rows:
                conn.execute("INSERT OR REPLACE INTO float_row(tbl, code, name) VALUES (?, ?, ?)", (tbl, code, name))
                entries.append(Entry(at, who, "add_row", tbl, code, new=name))
            for tbl, code in remove_rows:
                conn.execute("DELETE FROM float_row WHERE tbl = ? AND code = ?", (tbl, code))
                conn.execute("DELETE FROM cell WHERE tbl = ? AND row = ?", (tbl, code))
                entries.append(Entry(at, who, "remove_row", tbl, code))
            for cell, value in changes.items():
                old = conn.execute(
                    "SELECT num FROM cell WHERE tbl = ? AND row = ? AND col = ?", cell
                ).fetchone()
                old_value = old[0] if old else None
                if old_value == value:
                    continue
                if value is None:
                    conn.execute("DELETE FROM cell WHERE tbl = ? AND row = ? AND col = ?", cell)
                else:
                    conn.execute("INSERT OR REPLACE INTO cell(tbl, row, col, num) VALUES (?, ?, ?, ?)", (*cell, value))
                d = decimals.get(cell, 2)
                entries.append(Entry(at, who, action, *cell, to_plain(old_value, d), to_plain(value, d)))
            changelog.append(conn, entries)
            for key, value in (meta or {}).items():
                conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))
        if meta:
            self.meta.update(meta)

    def set_explanation(self, finding_key: str, text: str, *, who: str, basis: str, at: str | None = None) -> None:
        """Store (or with empty text remove) the 出错说明 of a finding."""
        with self._transaction() as conn:
            if text.strip():
                conn.execute(
                    "INSERT OR REPLACE INTO explanation(finding_key, text, author, at, basis) VALUES (?, ?, ?, ?, ?)",
                    (finding_key, text.strip(), who, at or now_iso(), basis),
                )
            else:
                conn.execute("DELETE FROM explanation WHERE finding_key = ?", (finding_key,))

    def save_as(self, target: Path) -> None:
        """Copy the whole document to ``target`` with SQLite's backup API (atomically, via a temp file)."""
        target = Path(target)
        if target.exists() and target.resolve() == self.path.resolve():
            return  # every edit is already saved in this very file
        if not target.parent.is_dir():
            raise DocumentError("missing", tr("文件夹“{folder}”不存在，未保存副本。", folder=target.parent))
        tmp_path = _temp_beside(target, ".gongkai-copy-")
        dest = None
        try:
            dest = sqlite3.connect(tmp_path)
            distrust_schema(dest)
            self._conn.backup(dest)
            dest.close()
            dest = None
            with tmp_path.open("rb+") as fh:
                os.fsync(fh.fileno())
            _make_shareable(tmp_path)
            os.replace(tmp_path, target)
        except (OSError, sqlite3.Error) as exc:
            if dest is not None:
                dest.close()
            tmp_path.unlink(missing_ok=True)
            raise new_file_error(target, exc) from exc
        except BaseException:
            tmp_path.unlink(missing_ok=True)
            raise
