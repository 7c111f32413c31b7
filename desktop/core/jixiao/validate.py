"""Read a 绩效 definition file and check it against its model (a cache miss of :mod:`.loader`): a problem
is a :class:`~desktop.core.definitions.DefinitionError` with the file, the place inside it and its line."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

from ..definitions.errors import DefinitionError
from ..i18n import tr
from ..rules.kinds.registry import Invalid, validated

M = TypeVar("M")


def read_yaml(path: Path) -> Any:  # noqa: ANN401 - YAML as read
    """One YAML file with line information (PyYAML loads here, never on a cached start)."""
    from ..definitions.yaml_source import read_yaml as read

    return read(path)


def plain(data: Any) -> Any:  # noqa: ANN401 - YAML as read
    """``data`` without the line information of its mappings and lists: what a compiled form keeps (so the
    compiled cache holds plain dicts and lists, and reading it back imports nothing of the YAML reader)."""
    if isinstance(data, dict):
        return {key: plain(value) for key, value in data.items()}
    if isinstance(data, list):
        return [plain(value) for value in data]
    return data


def read_definition(model: type[M], data: Any, path: Path) -> M:  # noqa: ANN401 - YAML as read
    """``data``, read from ``path``, as ``model``; the first problem raised with its file, place and line."""
    try:
        return validated(model, plain(data))
    except Invalid as exc:
        from ..definitions.yaml_source import locate

        file, line = locate(data, exc.loc)
        where = ".".join(str(p) for p in exc.loc)
        if len(exc.loc) >= 2 and isinstance(exc.loc[0], int) and isinstance(data, list):
            rule = data[exc.loc[0]]
            if isinstance(rule, dict) and rule.get("id"):
                where += tr("（规则 {id}）", id=rule["id"])
        problem = tr("未知的键，请检查拼写") if exc.code == "GK101" else tr("缺少必填项") if exc.code == "GK111" \
            else str(exc)
        raise DefinitionError(file or str(path), where, problem, code=exc.code, line=line) from exc
