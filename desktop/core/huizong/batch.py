"""``gongkai check --batch FOLDER``: every .gkb in a folder checked, one row per file, never fatal.

A finance bureau receives dozens to thousands of unit files and must find the wrong ones. Each file is
opened read-only (:meth:`Session.open` with ``readonly=True``: no lock taken, no journal applied, nothing
written) and checked with the usual rules; a file that cannot be read becomes a row with the Chinese
reason. Entries that are not .gkb files are listed as not checked, without being opened (a FIFO named
like anything is never read). With more than a few files the work is spread over worker processes (one
per core); the parent keeps only the small rows, so memory does not grow with the size of the files.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import stat
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..document import DocumentError
from ..i18n import tr
from ..rules.findings import SEVERITY_LABELS
from .errors import HuizongError

SUFFIX = ".gkb"
MAX_DETAILS = 20
FILE_TIMEOUT_S = 60
PARALLEL_FROM = 16  # fewer files than this are checked in this process (starting workers costs ~0.5 s)
Progress = Callable[[int, int, "FileRow"], None]


@dataclass
class FileRow:
    """One file of the folder: what it is and what its checks found (or why it could not be checked)."""

    name: str
    path: str
    status: str = "ok"  # ok | bad | skipped
    reason: str = ""
    unit_name: str = ""
    set_id: str = ""
    set_name: str = ""
    year: str = ""
    money_unit: str = ""
    errors: int = 0
    warnings: int = 0
    rounding: int = 0
    review: str = ""
    seal: str = ""
    huizong_units: int = 0  # a 汇总 document: how many unit files went in
    details: list[str] = field(default_factory=list)
    more_details: int = 0

    @property
    def verdict(self) -> str:
        if self.status == "skipped":
            return "未审核"
        if self.status == "bad":
            return "无法打开"
        if self.errors:
            return "有错误"
        return "有提示" if self.warnings else "通过"

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "verdict": self.verdict}


def _review_summary(session: Any) -> tuple[str, str]:
    from ..review.states import TableState

    states = session.review.states()
    if not states:
        return tr("未开始审核"), tr("无封签")
    counts: dict[str, int] = {}
    broken, intact = [], 0
    for tbl, record in states.items():
        counts[record.state.label] = counts.get(record.state.label, 0) + 1
        if record.state is TableState.APPROVED:
            check = session.review.seal_check(tbl)
            if check is not None and not check.intact:
                broken.append(session.review.table_name(tbl))
            elif check is not None:
                intact += 1
    total = len(session.tset.tables)
    review = "，".join(f"{label} {n}" for label, n in sorted(counts.items())) + tr("（共 {total} 张表）", total=total)
    if broken:
        seal = tr("封签已破 {count} 张：{tables}{more}", count=len(broken), tables="、".join(broken[:3]),
                  more=tr("等") if len(broken) > 3 else "")
    else:
        seal = tr("封签完好 {intact} 张", intact=intact) if intact else tr("无封签")
    return review, seal


@contextlib.contextmanager
def _deadline(seconds: int) -> Iterator[None]:
    """A file that hangs the reader becomes a row, not a stuck batch (only in a process's main thread)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGALRM"):
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise TimeoutError

    previous = signal.signal(signal.SIGALRM, expire)
    outer = signal.alarm(seconds)  # a caller's own alarm is put back afterwards, less the time spent
    started = time.monotonic()
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
        if outer:
            signal.alarm(max(1, outer - int(time.monotonic() - started)))


def check_file(path: str) -> FileRow:
    """Check one file read-only; any problem becomes the row's Chinese reason."""
    from ..definitions import get_set
    from ..session import Session
    from .provenance import read_provenance

    p = Path(path)
    row = FileRow(p.name, path)
    try:
        with _deadline(FILE_TIMEOUT_S):
            session = Session.open(p, readonly=True)
            try:
                meta = session.doc.meta
                row.unit_name, row.set_id = meta.get("unit_name", ""), session.tset.id
                row.set_name, row.year, row.money_unit = get_set(row.set_id).name, meta.get("year", ""), session.doc.money_unit
                findings = session.findings()
                counts = {"error": 0, "warning": 0, "rounding": 0}
                for f in findings:
                    counts[f.severity] += 1
                row.errors, row.warnings, row.rounding = counts["error"], counts["warning"], counts["rounding"]
                shown = [f for f in findings if f.severity != "rounding"][:MAX_DETAILS]
                row.details = [f"[{SEVERITY_LABELS[f.severity]}] {f.message}" for f in shown]
                row.more_details = len(findings) - len(shown)
                row.review, row.seal = _review_summary(session)
                with contextlib.suppress(HuizongError):
                    prov = read_provenance(meta)
                    row.huizong_units = len(prov.units) if prov else 0
            finally:
                session.close()
    except DocumentError as exc:
        row.status, row.reason = "bad", str(exc)
    except TimeoutError:
        row.status, row.reason = "bad", tr("审核超过 {seconds} 秒仍未完成，已跳过。文件可能过大或被其他程序锁住，请单独打开检查。", seconds=FILE_TIMEOUT_S)
    except Exception as exc:  # noqa: BLE001 - one file never stops the batch; the reason is kept
        row.status = "bad"
        row.reason = (tr("文件“{name}”无法审核（{kind}：{exc}）。"
                      "文件可能已损坏或被其他工具改动过，请向报送单位重新索取。", name=p.name, kind=type(exc).__name__, exc=str(exc)[:120]))
    return row


def _skip_reason(entry: os.DirEntry[str]) -> str | None:
    """Why an entry of the folder is listed but not checked (None: check it; "": leave it out silently)."""
    name = entry.name
    if name.startswith(".") or name.endswith("-journal"):
        return ""  # lock files, temporary files and journals belong to a document beside them
    try:
        mode = entry.stat(follow_symlinks=False).st_mode
    except OSError:
        return tr("无法读取该文件的信息，未审核。")
    if stat.S_ISDIR(mode):
        return ""
    if name.lower().endswith(SUFFIX):
        return None
    if not stat.S_ISREG(mode) and not stat.S_ISLNK(mode):
        return tr("不是普通文件（可能是管道或设备），不是 .gkb 文档，未审核。")
    return tr("不是 .gkb 文档，未审核。如是 Excel 报表，请先用“导入 Excel”转成文档。")


def list_folder(folder: Path) -> tuple[list[str], list[FileRow]]:
    """(.gkb paths to check, rows of entries not checked) in name order."""
    folder = Path(folder)
    if not folder.is_dir():
        raise HuizongError(tr("找不到文件夹“{folder}”，或它不是文件夹。请给出存放单位文件的文件夹。", folder=folder))
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        raise HuizongError(tr("无法读取文件夹“{folder}”（{reason}）。请检查权限。", folder=folder, reason=exc.strerror or exc)) from exc
    todo, skipped = [], []
    for entry in entries:
        reason = _skip_reason(entry)
        if reason is None:
            todo.append(entry.path)
        elif reason:
            skipped.append(FileRow(entry.name, entry.path, "skipped", reason))
    return todo, skipped


def _context() -> multiprocessing.context.BaseContext:
    """fork where the caller is single-threaded (the command line), else spawn (safe beside Qt's threads)."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1 and "PySide6.QtCore" not in sys.modules:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def run_batch(folder: Path, *, workers: int | None = None, progress: Progress | None = None,
              stop: Callable[[], bool] | None = None) -> list[FileRow]:
    """Check every .gkb in ``folder``; rows of checked files (in name order) then of entries not checked."""
    todo, skipped = list_folder(folder)
    if workers is None:
        workers = 1 if len(todo) < PARALLEL_FROM or getattr(sys, "frozen", False) else max(1, min(2, os.cpu_count() or 1))
    rows: list[FileRow] = []

    def collect(results: Iterator[FileRow]) -> None:
        for row in results:
            rows.append(row)
            if progress:
                progress(len(rows), len(todo), row)
            if stop and stop():
                break

    if workers <= 1:
        collect(check_file(p) for p in todo)
    else:
        with _context().Pool(workers, maxtasksperchild=250) as pool:
            collect(pool.imap(check_file, todo, chunksize=4))
            pool.terminate()
    return rows + skipped


def totals(rows: list[FileRow]) -> dict[str, int]:
    """How many files: checked, with 错误, with 提示 only, passed, unreadable, not checked."""
    out = {"files": len(rows), "checked": 0, "with_errors": 0, "warnings_only": 0, "passed": 0, "bad": 0, "skipped": 0}
    for r in rows:
        if r.status == "ok":
            out["checked"] += 1
            key = "with_errors" if r.errors else "warnings_only" if r.warnings else "passed"
            out[key] += 1
        else:
            out[r.status] += 1
    return out
