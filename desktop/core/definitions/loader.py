"""Load and validate template sets from resources/templates/<set>/set.yaml.

Each set folder has a ``set.yaml`` naming its tables (files, possibly shared with other sets through
``../_shared/…``, re-labelled per set) and its rule files, or building on another set with ``extends:``
and patches (compose.py). Every file is validated against the models;
every rule expression is parsed and its tables, rows and columns resolved, so a typo is reported with
the file and the place inside it when the set loads, not when a clerk types.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ..i18n import tr
from ..paths import templates_dir
from . import cache as set_cache
from .compose import Composer
from .errors import DefinitionError
from .models import RuleFile, SetInfo, TableDef
from .template_set import TemplateSet
from .yaml_source import locate, read_yaml

M = TypeVar("M", bound=BaseModel)
ERROR_CODES = {"extra_forbidden": "GK101", "missing": "GK111"}


def _check(model: type[M], data: Any, where_prefix: str = "") -> M:
    """``data`` as ``model``; the first problem raised with the file and line that wrote it."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = list(first["loc"])
        if where_prefix and loc and loc[0] == where_prefix:
            loc = loc[1:]
        src = data[where_prefix] if where_prefix else data
        file, line = locate(src, loc)
        where = ".".join(str(p) for p in loc)
        if len(loc) >= 2 and isinstance(loc[0], int) and isinstance(src, list):
            rule = src[loc[0]]
            if isinstance(rule, dict) and rule.get("id"):
                where += tr("（规则 {id}）", id=rule['id'])
        code = ERROR_CODES.get(first["type"], "GK110")
        problem = tr("未知的键，请检查拼写") if code == "GK101" else tr("缺少必填项") if code == "GK111" else first["msg"]
        raise DefinitionError(file or "", where, problem, code=code, line=line) from exc


def _read_yaml(path: Path) -> Any:
    """One YAML file with line information (also used by the 绩效 form loader)."""
    return read_yaml(path)


def _validate(model: type[M], data: Any, path: Path) -> M:
    """``data`` read from ``path`` as ``model`` (the 绩效 form loader's entry point)."""
    try:
        return _check(model, data)
    except DefinitionError as exc:
        raise DefinitionError(exc.file or str(path), exc.where, exc.problem, code=exc.code, line=exc.line) from exc


def load_set(folder: Path, root: Path | None = None) -> TemplateSet:
    """Load one set folder; raises :class:`DefinitionError` naming the file and place of a problem.

    ``root`` is the templates folder whose files the set may use (default: the folder holding it).
    """
    raw = Composer(root or folder.absolute().parent).set(folder)
    info = _check(SetInfo, raw.info)
    if info.id != folder.name:  # a received file names its set by id, looked up among the folder names
        file, line = locate(raw.info, ["id"])
        raise DefinitionError(file or str(folder / "set.yaml"), "id",
                              tr("模板编号 {id} 与所在文件夹名 {name} 不一致：两者须相同", id=info.id, name=folder.name),
                              code="GK118", line=line)
    tables: list[TableDef] = []
    for data, (file, line) in zip(raw.tables, raw.origins, strict=True):
        table = _check(TableDef, data)
        if any(t.key == table.key for t in tables):
            raise DefinitionError(file, "tables", tr("表键 {key} 重复：一个模板中每张表的 key 须不同", key=table.key),
                                  code="GK103", line=line)
        tables.append(table)
    rules = _check(RuleFile, {"rules": raw.rules}, "rules").rules if raw.rules else []
    seen: set[str] = set()
    for rule, data in zip(rules, raw.rules, strict=True):
        if rule.id in seen:
            file, line = locate(data, ["id"])
            raise DefinitionError(file, "rules", tr("规则编号 {id} 重复", id=rule.id), code="GK112", line=line)
        seen.add(rule.id)
    tset = TemplateSet(info=info, tables=tuple(tables), rules=tuple(rules), folder=folder)
    from ..rules.validate import validate_rules  # late import: rules depend on definitions

    try:
        validate_rules(tset)
    except DefinitionError as exc:
        data = next((r for r in raw.rules if exc.rule_id and str(r.get("id")) == exc.rule_id), None)
        if data is None:
            raise
        file, line = locate(data, ["id"])
        raise DefinitionError(file, exc.where, exc.problem, code=exc.code, line=line) from exc
    return tset


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
