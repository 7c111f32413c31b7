"""Read a JSON file someone else handed over (a dump or published figures) without letting it hurt.

The file must be a regular file of at most :data:`MAX_JSON_BYTES` (checked before it is opened, see
:mod:`.safe_file`), UTF-8 (a BOM is allowed). Parsing refuses what no dump contains and what would crash
or stall Python: integers of more than :data:`MAX_INT_DIGITS` digits (Python refuses 5,000-digit ones
with a ValueError, and converting long ones is quadratic), numbers that overflow a float (``1e999999``),
``NaN``/``Infinity`` literals, and nesting deeper than :data:`MAX_DEPTH` (a 100,000-deep array would hit
Python's recursion limit here or later). Every refusal is a :class:`~.dump.DumpError` in Chinese.
"""

from __future__ import annotations

import codecs
import json
import math
from pathlib import Path
from typing import Any

from ..i18n import tr
from .dump import DumpError
from .safe_file import UnsafeFileError, read_regular_file

MAX_JSON_BYTES = 64 * 1024 * 1024  # a whole unit's dump with forms and comments is a few MB
MAX_INT_DIGITS = 40
MAX_NUMBER_CHARS = 60
MAX_DEPTH = 40  # a dump nests about 6 deep, published figures about 8


class _Refused(Exception):
    """A value the parser refuses; the message is Chinese."""


def _int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise _Refused(tr("有一个 {text_count} 位的整数（{text}…），超出任何金额或编号的范围", text_count=len(text), text=text[:12]))
    return int(text)


def _float(text: str) -> float:
    if len(text) > MAX_NUMBER_CHARS:
        raise _Refused(tr("有一个 {text_count} 个字符的数字（{text}…），过长", text_count=len(text), text=text[:12]))
    value = float(text)
    if not math.isfinite(value):
        raise _Refused(tr("数字 {text} 超出范围（溢出为无穷大）", text=text[:20]))
    return value


def _constant(name: str) -> Any:
    raise _Refused(tr("含有 {name}（不是有效的 JSON 数字）", name=name))


def _depth_ok(data: Any) -> bool:
    """True when no list/object nests deeper than MAX_DEPTH (iterative: no recursion on hostile input)."""
    stack = [(data, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > MAX_DEPTH:
                return False
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return True


def parse_json_text(data: bytes, name: str) -> Any:
    """Parse JSON bytes under the rules above; raises :class:`DumpError`."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise DumpError(tr("“{name}”是 UTF-16/UTF-32 编码的文本，不是 UTF-8。请用记事本或 WPS 以“UTF-8”编码另存后再载入。", name=name))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DumpError(tr("“{name}”不是 UTF-8 编码的 JSON 文本文件。请用记事本或 WPS 以“UTF-8”编码另存后再载入。", name=name)) from exc
    try:
        value = json.loads(text, parse_int=_int, parse_float=_float, parse_constant=_constant)
    except _Refused as exc:
        raise DumpError(tr("“{name}”{exc}，不是本软件或公开数据的 JSON，未载入。请确认文件来源，或重新导出。", name=name, exc=exc)) from exc
    except RecursionError as exc:
        raise DumpError(tr("“{name}”嵌套层数过深（超过 {depth} 层），不是本软件或公开数据的 JSON，未载入。", name=name, depth=MAX_DEPTH)) from exc
    except json.JSONDecodeError as exc:
        raise DumpError(tr("“{name}”不是有效的 JSON（第 {lineno} 行第 {colno} 列：{msg}），"
                        "可能不完整或被改动过。请重新导出或向发送者重新索取。", name=name, lineno=exc.lineno, colno=exc.colno, msg=exc.msg)) from exc
    except ValueError as exc:  # e.g. a number Python will not convert
        raise DumpError(tr("“{name}”含有无法读取的数值（{exc}），未载入。", name=name, exc=str(exc)[:80])) from exc
    if not _depth_ok(value):
        raise DumpError(tr("“{name}”嵌套层数过深（超过 {depth} 层），不是本软件或公开数据的 JSON，未载入。", name=name, depth=MAX_DEPTH))
    return value


def read_json_file(path: Path) -> Any:
    """Read and parse a JSON file under the rules above; raises :class:`DumpError`."""
    path = Path(path)
    try:
        data = read_regular_file(path, MAX_JSON_BYTES, "JSON")
    except UnsafeFileError as exc:
        raise DumpError(str(exc)) from exc
    return parse_json_text(data, path.name)
