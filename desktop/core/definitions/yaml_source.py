"""Read definition YAML keeping where each mapping, key and list entry came from (file and line).

Mappings load as :class:`YDict` and sequences as :class:`YList`: ordinary dicts and lists that also know
their file and the 1-based line of each key and each entry, so an error found after patches were
applied still names the line that wrote the offending value.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..i18n import tr
from .errors import DefinitionError


class YDict(dict):
    """A YAML mapping with its file, its own line and the line of each key."""

    file: str = ""
    line: int = 0
    key_lines: dict[str, int]

    def line_of(self, key: object) -> int:
        return getattr(self, "key_lines", {}).get(str(key), self.line)

    def where(self, key: object) -> tuple[str, int]:
        """(file, line) that wrote ``key``: a patch's line when a patch set it."""
        origin = getattr(self, "key_src", {}).get(str(key))
        return origin if origin else (self.file, self.line_of(key))

    def put(self, key: str, value: Any, file: str, line: int) -> None:
        """Set ``key`` to ``value`` written at ``file``:``line`` (by a patch or a derived set)."""
        self[key] = value
        if not hasattr(self, "key_src"):
            self.key_src: dict[str, tuple[str, int]] = {}
        self.key_src[key] = (file, line)


class YList(list):
    """A YAML sequence with its file, its own line and the line of each entry."""

    file: str = ""
    line: int = 0
    item_lines: list[int]

    def where(self, index: int) -> tuple[str, int]:
        """(file, line) of entry ``index``: its own place when it is a mapping or list from a file."""
        item = self[index]
        if isinstance(item, YDict | YList) and item.file:
            return item.file, item.line
        lines = getattr(self, "item_lines", [])
        return self.file, (lines[index] if len(lines) == len(self) else self.line)


def located(data: Any, file: str, line: int) -> Any:
    """``data`` (a dict or list) as a YDict/YList placed at ``file``:``line``; scalars unchanged."""
    if isinstance(data, dict) and not isinstance(data, YDict):
        out = YDict(data)
        out.file, out.line, out.key_lines = file, line, {}
        return out
    if isinstance(data, list) and not isinstance(data, YList):
        items = YList(data)
        items.file, items.line, items.item_lines = file, line, [line] * len(data)
        return items
    return data


def clone(data: Any) -> Any:
    """A deep copy keeping the file and line information."""
    if isinstance(data, YDict):
        out = YDict((k, clone(v)) for k, v in data.items())
        out.file, out.line, out.key_lines = data.file, data.line, dict(getattr(data, "key_lines", {}))
        if hasattr(data, "key_src"):
            out.key_src = dict(data.key_src)
        return out
    if isinstance(data, YList):
        items = YList(clone(v) for v in data)
        items.file, items.line, items.item_lines = data.file, data.line, list(getattr(data, "item_lines", []))
        return items
    if isinstance(data, dict):
        return {k: clone(v) for k, v in data.items()}
    if isinstance(data, list):
        return [clone(v) for v in data]
    return data


def _loader_class() -> type:
    import yaml  # imported here: a start-up served from the set cache reads no YAML at all

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's parser, ~10x faster

    class LineLoader(base):  # type: ignore[misc, valid-type]
        source = ""

    def construct_map(loader: Any, node: Any):  # noqa: ANN202 - a PyYAML constructor generator
        data = YDict()
        data.file, data.line = loader.source, node.start_mark.line + 1
        yield data
        data.update(loader.construct_mapping(node))
        data.key_lines = {str(k.value): k.start_mark.line + 1 for k, _ in node.value}

    def construct_seq(loader: Any, node: Any):  # noqa: ANN202
        items = YList()
        items.file, items.line = loader.source, node.start_mark.line + 1
        yield items
        items.extend(loader.construct_sequence(node))
        items.item_lines = [n.start_mark.line + 1 for n in node.value]

    LineLoader.add_constructor("tag:yaml.org,2002:map", construct_map)
    LineLoader.add_constructor("tag:yaml.org,2002:seq", construct_seq)
    return LineLoader


_LOADER: type | None = None


def read_yaml(path: Path) -> Any:
    """The document in ``path`` with line information; raises GK102 (missing) or GK100 (bad YAML)."""
    import yaml

    global _LOADER
    if _LOADER is None:
        _LOADER = _loader_class()
    try:
        with path.open(encoding="utf-8") as fh:
            loader = _LOADER(fh)
            loader.source = str(path)
            try:
                return loader.get_single_data()
            finally:
                loader.dispose()
    except FileNotFoundError as exc:
        raise DefinitionError(str(path), "", tr("文件不存在，请检查文件名与路径"), code="GK102") from exc
    except IsADirectoryError as exc:
        raise DefinitionError(str(path), "", tr("这是一个文件夹，不是 YAML 文件"), code="GK102") from exc
    except UnicodeDecodeError as exc:
        raise DefinitionError(str(path), "", tr("文件不是 UTF-8 编码，请另存为 UTF-8"), code="GK100") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        where = tr("第 {column} 列", column=mark.column + 1) if mark else ""
        problem = tr("YAML 格式错误：{problem}，请检查缩进、冒号与引号", problem=getattr(exc, 'problem', None) or exc)
        raise DefinitionError(str(path), where, problem, code="GK100", line=line) from exc


def locate(data: Any, loc: tuple | list) -> tuple[str, int | None]:
    """(file, line) of the value at path ``loc`` inside ``data``, as deep as the path can be followed."""
    file, line = getattr(data, "file", ""), getattr(data, "line", None) or None
    obj = data
    for part in loc:
        if isinstance(obj, dict) and part in obj:
            if isinstance(obj, YDict):
                file, line = obj.where(part)
            obj = obj[part]
        elif isinstance(obj, list) and isinstance(part, int) and 0 <= part < len(obj):
            if isinstance(obj, YList):
                file, line = obj.where(part)
            obj = obj[part]
    return file, line
