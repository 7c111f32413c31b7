"""Template sets as the program uses them: every set under resources/templates/, compiled once and then
served from the per-user set cache (:mod:`.cache`), so a cached start reads no YAML and imports no pydantic.

Each set folder has a ``set.yaml`` naming its tables (files, possibly shared with other sets through
``../_shared/…``, re-labelled per set) and its rule files, or building on another set with ``extends:``
and patches (compose.py); :mod:`.compile_set` reads and validates it.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from ..i18n import tr
from ..paths import templates_dir
from . import cache as set_cache
from .template_set import TemplateSet


def load_set(folder: Path, root: Path | None = None) -> TemplateSet:
    """Compile one set folder (no cache); raises :class:`DefinitionError` naming the file and place of a problem.

    ``root`` is the templates folder whose files the set may use (default: the folder holding it).
    """
    from .compile_set import compile_set  # pydantic and YAML load only when a set is compiled

    return compile_set(folder, root)


def set_folders(root: Path | None = None) -> list[Path]:
    """Every template set folder (those with a set.yaml), sorted by name."""
    base = root or templates_dir()
    return sorted(p.parent for p in base.glob("*/set.yaml"))


@cache
def _fingerprint(templates: str) -> str:
    return set_cache.templates_fingerprint(Path(templates))


@cache
def _load_folder_cached(folder: str) -> TemplateSet:
    path = Path(folder)
    fingerprint = _fingerprint(str(templates_dir()))
    tset = set_cache.read(path, fingerprint)
    if tset is None:
        tset = load_set(path)
        set_cache.write(path, fingerprint, tset)
    return tset


@cache
def _load_all_cached(root: str) -> dict[str, TemplateSet]:
    sets = {}
    for folder in set_folders(Path(root)):
        tset = _load_folder_cached(str(folder))
        sets[tset.id] = tset
    return sets


def all_sets() -> dict[str, TemplateSet]:
    """All shipped template sets by id (loaded once per process)."""
    return _load_all_cached(str(templates_dir()))


def get_set(set_id: str) -> TemplateSet:
    """The shipped set with this id. The id (which may come from a received file) is only ever compared with
    the names of the shipped set folders and the ids inside them, never joined into a path."""
    if not isinstance(set_id, str):
        raise KeyError(tr("模板编号无效：{set_id!r}", set_id=set_id))
    folders = {folder.name: folder for folder in set_folders()}
    folder = folders.get(set_id)  # a folder usually carries its set's id: only that one is read
    if folder is not None:
        tset = _load_folder_cached(str(folder))
        if tset.id == set_id:
            return tset
    sets = all_sets()
    if set_id not in sets:
        known = "、".join(sorted(sets))
        raise KeyError(tr("没有名为 {set_id} 的模板（可用：{known}）", set_id=set_id, known=known))
    return sets[set_id]
