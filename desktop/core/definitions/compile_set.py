"""Compile one template set folder: read its YAML, compose ``extends:`` and patches, validate it against
the schema, and give the plain objects the program holds (a cache miss; :mod:`.loader` serves the rest).

Every file is validated against :mod:`.schema`; every rule expression is parsed and its tables, rows and
columns resolved, so a typo is reported with the file and the place inside it when the set loads, not
when a clerk types.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ..i18n import tr
from .compose import Composer
from .errors import DefinitionError
from .models import TableDef
from .schema import RuleFile, SetInfo, to_plain
from .schema import TableDef as TableSchema
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
                where += tr("（规则 {id}）", id=rule["id"])
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


def compile_set(folder: Path, root: Path | None = None) -> TemplateSet:
    """Load one set folder; raises :class:`DefinitionError` naming the file and place of a problem.

    ``root`` is the templates folder whose files the set may use (default: the folder holding it).
    """
    raw = Composer(root or folder.absolute().parent).set(folder)
    info = to_plain(_check(SetInfo, raw.info))
    if info.id != folder.name:  # a received file names its set by id, looked up among the folder names
        file, line = locate(raw.info, ["id"])
        raise DefinitionError(file or str(folder / "set.yaml"), "id",
                              tr("模板编号 {id} 与所在文件夹名 {name} 不一致：两者须相同", id=info.id, name=folder.name),
                              code="GK118", line=line)
    tables: list[TableDef] = []
    for data, (file, line) in zip(raw.tables, raw.origins, strict=True):
        table = to_plain(_check(TableSchema, data))
        if any(t.key == table.key for t in tables):
            raise DefinitionError(file, "tables", tr("表键 {key} 重复：一个模板中每张表的 key 须不同", key=table.key),
                                  code="GK103", line=line)
        tables.append(table)
    rules = to_plain(_check(RuleFile, {"rules": raw.rules}, "rules").rules) if raw.rules else []
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
