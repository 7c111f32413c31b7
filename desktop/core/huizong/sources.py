"""Read one unit file for 汇总, read-only: its figures, rows, forms and which version of it went in.

The file is hostile until proven otherwise: it is checked to be a regular file before a byte is read,
opened only through :meth:`Document.open` with ``readonly=True`` (no lock taken, no journal applied, a save
cut short read through a recovered copy elsewhere), and its SHA-256 is taken before and after reading so
the recorded version is the one whose figures were summed.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..document import Document, DocumentError, log_rows
from ..document.special import require_document_file
from ..i18n import tr
from .errors import HuizongError

Cell = tuple[str, str, str]
CHUNK = 1 << 20


def file_sha256(path: Path) -> str:
    """SHA-256 of a regular file (anything else is refused before it is opened)."""
    require_document_file(path)
    digest = hashlib.sha256()
    try:
        with path.open("rb") as fh:
            while block := fh.read(CHUNK):
                digest.update(block)
    except OSError as exc:
        raise DocumentError("unreadable", tr("无法读取文件“{name}”（{reason}）。", name=path.name, reason=exc.strerror or exc)) from exc
    return digest.hexdigest()


@dataclass(frozen=True)
class Version:
    """Which version of a unit file went into a 汇总: digest, size and the head of its change log."""

    file: str  # the path as resolved when it was read
    name: str  # the file name, for messages
    unit_name: str
    sha256: str
    size: int
    log_count: int
    log_head: dict[str, Any]  # id, at, who, action of the newest change-log row ({} when empty)
    recovered: bool = False  # the last save was cut short: the rolled-back figures were read

    def as_dict(self) -> dict[str, Any]:
        out = {"file": self.file, "name": self.name, "unit_name": self.unit_name, "sha256": self.sha256,
               "size": self.size, "log_count": self.log_count, "log_head": self.log_head}
        if self.recovered:
            out["recovered"] = True
        return out

    @property
    def label(self) -> str:
        """How messages name the unit: 单位名称（文件名）."""
        return tr("{unit}（{file}）", unit=self.unit_name or tr("（未填单位名称）"), file=self.name)


@dataclass
class UnitData:
    """Everything 汇总 takes from one unit file."""

    version: Version
    set_id: str
    year: str
    money_unit: str
    values: dict[Cell, int]
    floating: dict[str, list[tuple[str, str]]]
    forms: list[dict[str, Any]] = field(default_factory=list)


def _log_head(doc: Document) -> tuple[int, dict[str, Any]]:
    head = log_rows.head(doc)
    row = head.last
    return head.count, ({"id": row[0], "at": row[1], "who": row[2], "action": row[3]} if row else {})


def read_unit(path: Path, *, with_forms: bool = True) -> UnitData:
    """Read ``path`` for 汇总; raises :class:`DocumentError` (its Chinese reason) or :class:`HuizongError`."""
    path = Path(path)
    before = file_sha256(path)
    with Document.open(path, readonly=True) as doc:
        count, head = _log_head(doc)
        meta = doc.meta
        forms: list[dict[str, Any]] = []
        if with_forms:
            from ..jixiao.store import has_forms

            if has_forms(doc):
                from ..jixiao.dumpio import dump_forms

                forms = dump_forms(doc)
        data = UnitData(
            Version(str(path.resolve()), path.name, meta.get("unit_name", ""), before, os.stat(path).st_size,
                    count, head, recovered="中断" in (doc.readonly_reason or "")),
            doc.set_id, meta.get("year", ""), doc.money_unit, doc.values(), doc.floating_rows(), forms)
    if file_sha256(path) != before:
        raise HuizongError(tr("文件“{name}”在读取时被修改了（可能有人正在编辑），未汇总。请等对方保存完毕后重新汇总。", name=path.name))
    return data


def changes_since(path: Path, head_id: int) -> list[dict[str, Any]]:
    """The change-log rows of ``path`` after ``head_id``, oldest first (read-only)."""
    with Document.open(Path(path), readonly=True) as doc:
        return log_rows.rows_after(doc, head_id)
