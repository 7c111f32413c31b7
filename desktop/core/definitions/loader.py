"""Load and validate template sets from resources/templates/<set>/set.yaml.

Each set folder has a ``set.yaml`` naming its tables (files, possibly shared with other sets through
``../_shared/…``, re-labelled per set) and its rule files. Every file is validated against the models;
every rule expression is parsed and its tables, rows and columns resolved, so a typo is reported with
the file and the place inside it when the set loads, not when a clerk types.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ..paths import templates_dir
from . import cache as set_cache
from .errors import DefinitionError
from .models import RuleFile, SetFile, TableDef
from .template_set import TemplateSet

M = TypeVar("M", bound=BaseModel)


def _read_yaml(path: Path) -> Any:
    import yaml  # imported here: a start-up served from the set cache reads no YAML at all

    safe_loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's parser, ~10x faster
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.load(fh, Loader=safe_loader)  # noqa: S506 - a safe loader (libyaml's when built)
    except FileNotFoundError as exc:
        raise DefinitionError(str(path), "", "文件不存在") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第 {mark.line + 1} 行第 {mark.column + 1} 列" if mark else ""
        raise DefinitionError(str(path), where, f"YAML 格式错误：{getattr(exc, 'problem', exc)}") from exc


def _validate(model: type[M], data: Any, path: Path) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = list(first["loc"])
        where = ".".join(str(p) for p in loc)
        if len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int) and isinstance(data, dict):
            rule = (data.get("rules") or [{}])[loc[1]]
            if isinstance(rule, dict) and rule.get("id"):
                where += f"（规则 {rule['id']}）"
        raise DefinitionError(str(path), where, first["msg"]) from exc


def _resolve(folder: Path, relative: str) -> Path:
    path = Path(os.path.normpath(folder.absolute() / relative))
    root = Path(os.path.normpath(templates_dir().absolute()))
    if root not in path.parents:
        raise DefinitionError(str(folder / "set.yaml"), relative, "引用的文件不在 resources/templates 之下")
    return path


def load_set(folder: Path) -> TemplateSet:
    """Load one set folder; raises :class:`DefinitionError` naming the file and place of a problem."""
    set_path = folder / "set.yaml"
    info = _validate(SetFile, _read_yaml(set_path), set_path)
    tables: list[TableDef] = []
    for i, ref in enumerate(info.tables):
        path = _resolve(folder, ref.file)
        table = _validate(TableDef, _read_yaml(path), path)
        overrides = {k: v for k, v in (("label", ref.label), ("title", ref.title)) if v is not None}
        if overrides:
            table = table.model_copy(update=overrides)
        if any(t.key == table.key for t in tables):
            raise DefinitionError(str(set_path), f"tables.{i}", f"表键 {table.key} 重复")
        tables.append(table)
    rules = []
    for rel in info.rule_files:
        path = _resolve(folder, rel)
        rules.extend(_validate(RuleFile, _read_yaml(path) or {}, path).rules)
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            raise DefinitionError(str(set_path), "rule_files", f"规则编号 {rule.id} 重复")
        seen.add(rule.id)
    tset = TemplateSet(info=info, tables=tuple(tables), rules=tuple(rules), folder=folder)
    from ..rules.validate import validate_rules  # late import: rules depend on definitions

    validate_rules(tset)
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
        raise KeyError(f"模板编号无效：{set_id!r}")
    folders = {folder.name: folder for folder in set_folders()}
    folder = folders.get(set_id)  # a folder usually carries its set's id: only that one is read
    if folder is not None:
        tset = _load_folder_cached(str(folder))
        if tset.id == set_id:
            return tset
    sets = all_sets()
    if set_id not in sets:
        known = "、".join(sorted(sets))
        raise KeyError(f"没有名为 {set_id} 的模板（可用：{known}）")
    return sets[set_id]
