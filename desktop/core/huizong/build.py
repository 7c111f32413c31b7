"""``gongkai huizong``: make (or remake) a 汇总 document from unit files, all or nothing.

The new document is built under a temporary name beside the output and renamed over it only when
complete; a refusal at any step leaves every file as it was. An existing output is replaced only when it
is itself a 汇总 (never a unit's own document), nobody has it open for editing, and it holds no 批注,
审核 or 出错说明 (unless ``force``): re-running then reports what moved since, per cell and unit.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..diff import compare_documents
from ..document import Document, DocumentError, review_rows
from ..document.lock import lock_path
from ..document.special import require_document_file
from ..document.store import now_iso
from ..formats.dump import DumpError, load_dump
from ..i18n import tr
from . import combine
from .errors import HuizongError
from .moves import Moves, compare_runs
from .provenance import META_KEY, Provenance, read_provenance
from .sources import Version, read_unit

Progress = Callable[[int, int, str], None]


@dataclass
class BuildResult:
    path: Path
    provenance: Provenance
    notes: list[str] = field(default_factory=list)
    moves: Moves | None = None  # set when an earlier 汇总 was replaced


def _old_output(out: Path, force: bool) -> Provenance | None:
    """The provenance of the 汇总 at ``out`` to be replaced (None when there is none); refuse anything else."""
    if not os.path.lexists(out):
        return None
    try:
        require_document_file(out)
        with Document.open(out, readonly=True) as doc:
            prov = read_provenance(doc.meta)
            reviewed = review_rows.record_count(doc) if prov is not None else 0
    except DocumentError as exc:
        raise HuizongError(tr("输出文件“{name}”已存在，但无法作为汇总文件读取（{exc}）。未覆盖；请换一个文件名。", name=out.name, exc=exc)) from exc
    if prov is None:
        raise HuizongError(tr("输出文件“{name}”已存在，而且不是汇总文件（可能是某个单位的文档），未覆盖。请换一个文件名。", name=out.name))
    if os.path.lexists(lock_path(out)):
        raise HuizongError(tr("汇总文件“{name}”正在被打开编辑（旁边有编辑锁文件），未重新汇总。请先关闭它再试。", name=out.name))
    if reviewed and not force:
        raise HuizongError(tr("汇总文件“{name}”中已有批注、审核状态或出错说明，重新汇总会生成新文件、不再保留它们。"
                           "请先另存一份旧文件；确认后可加 --force 重新汇总。", name=out.name))
    return prov


def _check_inputs(out: Path, units: Sequence[Path]) -> list[Path]:
    if not units:
        raise HuizongError(tr("没有给出要汇总的单位文件。请列出各单位的 .gkb 文件。"))
    seen: dict[str, Path] = {}
    out_real = os.path.realpath(out)
    for path in units:
        real = os.path.realpath(path)
        if real == out_real:
            raise HuizongError(tr("“{name}”既是单位文件又是输出文件。请给汇总文件另起一个名字。", name=path.name))
        if real in seen:
            raise HuizongError(tr("“{path}”在单位文件中出现了两次（与“{seen}”是同一个文件），会重复计算。请只列一次。", path=path, seen=seen[real]))
        seen[real] = path
    return list(units)


def _refuse_duplicates(versions: list[Version], new: Version) -> None:
    for v in versions:
        if v.sha256 == new.sha256:
            raise HuizongError(tr("“{name}”与“{other}”内容完全相同，同一单位会被重复计算。请只保留其中一个。", name=new.name, other=v.name))
        if new.unit_name.strip() and v.unit_name.strip() == new.unit_name.strip():
            raise HuizongError(tr("“{name}”与“{other}”的单位名称都是“{unit_name}”，可能是同一单位的两个版本，"
                               "会被重复计算。请只保留一个（或改正单位名称）。", name=new.name, other=v.name, unit_name=new.unit_name))


def build_huizong(out: Path, units: Sequence[Path], *, name: str | None = None, who: str = "",
                  force: bool = False, progress: Progress | None = None) -> BuildResult:
    """Make the 汇总 of ``units`` at ``out`` (without ``units``: the units of the 汇总 already at ``out``)."""
    out = Path(out)
    if out.suffix.lower() != ".gkb":
        raise HuizongError(tr("汇总文件应以 .gkb 结尾（收到“{name}”）。", name=out.name))
    if not out.parent.is_dir():
        raise HuizongError(tr("文件夹“{parent}”不存在，未汇总。", parent=out.parent))
    old = _old_output(out, force)
    if not units and old is not None:
        units = [Path(v.file) for v in old.units]
    paths = _check_inputs(out, [Path(u) for u in units])
    combined: combine.Combined | None = None
    for n, path in enumerate(paths, 1):
        if progress:
            progress(n, len(paths), path.name)
        try:
            unit = read_unit(path)
        except DocumentError as exc:
            raise HuizongError(tr("单位文件无法读取，未汇总：{exc}", exc=exc)) from exc
        if combined is None:
            combined = combine.start(unit)
        else:
            _refuse_duplicates(combined.versions, unit.version)
        combine.add_unit(combined, unit)
        del unit
    assert combined is not None
    title = (name or "").strip() or (old.name if old else "") or out.stem
    prov = Provenance(title, now_iso(), who, combined.versions,
                      {t: {k: [(i, o) for i, o in v] for k, v in rows.items()} for t, rows in combined.origin.items()})
    data = combine.to_dump(combined, title)
    data["meta"][META_KEY] = prov.to_json()
    building = out.parent / f".gongkai-huizong-{secrets.token_hex(6)}.gkb"
    try:
        try:
            load_dump(data, building, who=who).close()
        except DumpError as exc:
            raise HuizongError(tr("汇总结果无法写成文档（{exc}），未汇总。", exc=exc)) from exc
        moves = None
        if old is not None:
            with Document.open(out, readonly=True) as before, Document.open(building, readonly=True) as after:
                moves = compare_runs(old, prov, compare_documents(before, after))
        elif os.path.lexists(out):
            raise HuizongError(tr("文件“{name}”在汇总期间出现了，未覆盖。请换一个文件名。", name=out.name))
        os.replace(building, out)
    finally:
        building.unlink(missing_ok=True)
    return BuildResult(out, prov, combined.notes, moves)
