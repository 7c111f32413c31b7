"""Hostile JSON given to `gongkai load`: parser attacks (depth, huge numbers, NaN), wrong types anywhere in a
dump or in published figures, bad review records (which once left half a document behind), encodings, and
things that are not files. Every one is refused in Chinese and leaves no document, not even a partial one.
"""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hostile.harness import Kind, Run
from hostile.workbooks import DEMO

LOAD = ("load", "{input}", "-o", "{out}.gkb")


def demo() -> dict[str, Any]:
    return json.loads(DEMO.read_text(encoding="utf-8"))


def _text(name: str, text: Callable[[], bytes]) -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        (folder / name).write_bytes(text())
        return folder / name

    return build


def _dump(name: str, change: Callable[[dict], Any]) -> Callable[[Path], Path]:
    """The demo dump changed by ``change`` (which edits it in place or returns a replacement)."""

    def data() -> bytes:
        dump = copy.deepcopy(demo())
        out = change(dump)
        return json.dumps(dump if out is None else out, ensure_ascii=False).encode()

    return _text(name, data)


def _first_table(dump: dict) -> dict:
    return next(iter(dump["tables"].values()))


def _first_row(dump: dict) -> dict:
    return next(t for t in dump["tables"].values() if t.get("values"))["values"]


def _review(**parts: Any) -> Callable[[dict], None]:
    good = {"comments": [{"id": 1, "parent_id": None, "tbl": "shouzhi_zongbiao", "row": None, "col": None,
                          "finding": None, "author": "甲", "at": "2024-01-01T00:00:00", "text": "请核对",
                          "resolved_by": None, "resolved_at": None}],
            "states": [{"tbl": "shouzhi_zongbiao", "state": "submitted", "who": "甲", "at": "2024-01-01T00:00:00",
                        "reason": ""}],
            "history": [], "seals": []}

    def change(dump: dict) -> None:
        dump["review"] = {**good, **parts}

    return change


def _published(change: Callable[[dict], Any]) -> Callable[[dict], Any]:
    """A small published-figures document (the form transcribed from disclosures), changed."""

    def build(_: dict) -> Any:
        data = {"document": {"unit_name": "测试单位", "fiscal_year": "2022", "money_unit": "元", "kind": "juesuan"},
                "tables": [{"title": "收入支出决算总表", "income_rows": [{"label": "一、一般公共预算财政拨款收入",
                                                                 "行次": "1", "values": {"决算数": "100.00"}}]}],
                "performance_forms": [{"shape": "C_重点", "title_printed": "重点(项目)绩效目标自评表",
                                       "项目名称": "道路养护", "funding": {"rows": [{"label": "年度资金总额",
                                                                                "预算数": "10"}]}}]}
        out = change(data)
        return data if out is None else out

    return build


def _fifo(name: str) -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        os.mkfifo(folder / name)
        return folder / name

    return build


def _symlink(name: str, to: str) -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        (folder / name).symlink_to(to)
        return folder / name

    return build


def _directory(folder: Path) -> Path:
    (folder / "目录.json").mkdir()
    return folder / "目录.json"


def _sparse(folder: Path) -> Path:
    with open(folder / "超大.json", "wb") as fh:
        fh.write(b'{"format": "gongkai-dump", "x": "')
        fh.truncate(70 * 1024 * 1024)
    return folder / "超大.json"


def _set(path: tuple, value: Any) -> Callable[[dict], None]:
    def change(dump: dict) -> None:
        target = dump
        for key in path[:-1]:
            target = target[key] if not callable(key) else key(target)
        target[path[-1]] = value

    return change


def _forms(forms: Any) -> Callable[[dict], None]:
    return _set(("forms",), forms)


FORM = {"shape": "c_zhongdian_ziping", "title": "道路养护绩效自评表", "fields": {"t.xmmc": "道路养护"},
        "indicators": [{"level2": "shuliang", "cells": {"name": "里程", "weight": "10"}}]}
BOM_RUN = (Run(LOAD, frozenset({0}), may_write=True),)

KINDS = [
    # the parser
    Kind("deep-nesting-arrays", "json", _text("深.json", lambda: b"[" * 100_000 + b"]" * 100_000), words=("嵌套",)),
    Kind("deep-nesting-objects", "json", _text("深对象.json", lambda: b'{"a":' * 50_000 + b"1" + b"}" * 50_000)),
    Kind("nesting-just-too-deep", "json", _dump("四十一层.json", _set(("meta", "x"), json.loads("[" * 41 + "]" * 41))),
         words=("嵌套",)),
    Kind("5000-digit-number", "json", _text("长数.json", lambda: b'{"format": "gongkai-dump", "format_version": '
                                                             + b"9" * 5000 + b"}"), words=("位",)),
    Kind("float-overflow", "json", _text("溢出.json", lambda: b'{"format": "gongkai-dump", "x": 1e999999}')),
    Kind("nan-literal", "json", _text("NaN.json", lambda: b'{"format": "gongkai-dump", "x": NaN}'), words=("NaN",)),
    Kind("infinity-literal", "json", _text("无穷.json", lambda: b'{"format": "gongkai-dump", "x": -Infinity}')),
    Kind("truncated", "json", _text("截断.json", lambda: json.dumps(demo()).encode()[:5000]), words=("不是有效的 JSON",)),
    Kind("utf16", "json", _text("utf16.json", lambda: json.dumps(demo(), ensure_ascii=False).encode("utf-16")),
         words=("UTF-8",)),
    Kind("utf8-bom", "json", _text("BOM.json", lambda: b"\xef\xbb\xbf" + json.dumps(demo()).encode()), runs=BOM_RUN,
         notes="a BOM is allowed: the dump loads"),
    Kind("latin1-bytes", "json", _text("乱码.json", lambda: b'{"format": "gongkai-dump", "meta": {"x": "\xe9"}}'),
         words=("UTF-8",)),
    Kind("gkb-renamed-json", "json", _text("文档.json", lambda: b"SQLite format 3\x00" + b"\x00" * 2000)),
    Kind("json-empty-file", "json", _text("空.json", lambda: b"")),
    Kind("json-huge-file", "json", _sparse, words=("上限",)),
    # the root
    Kind("root-list", "json", _text("数组.json", lambda: b"[1, 2, 3]")),
    Kind("root-string", "json", _text("字符串.json", lambda: b'"gongkai-dump"')),
    Kind("root-number", "json", _text("数字.json", lambda: b"42")),
    # wrong types in a dump
    Kind("format-version-text", "json", _dump("版本.json", _set(("format_version",), "1"))),
    Kind("set-is-list", "json", _dump("模板.json", _set(("set",), ["shanxi_2022_juesuan"]))),
    Kind("meta-is-list", "json", _dump("meta列表.json", _set(("meta",), ["a"]))),
    Kind("meta-value-object", "json", _dump("meta对象.json", _set(("meta", "unit_name"), {"x": 1}))),
    Kind("tables-is-list", "json", _dump("表列表.json", _set(("tables",), [1, 2]))),
    Kind("values-are-numbers", "json", _dump("数值.json", lambda d: [r.update({k: 5 for k in r})
                                                                   for r in _first_row(d).values()] and None)),
    Kind("floating-rows-object", "json", _dump("浮动行.json", lambda d: _first_table(d).update(floating_rows={"a": 1}))),
    Kind("explanation-text-object", "json", _dump("说明.json", _set(("explanations",), {"k": {"text": {"x": 1}}}))),
    Kind("explanations-list", "json", _dump("说明列表.json", _set(("explanations",), [1]))),
    # forms in a dump
    Kind("forms-not-list", "json", _dump("绩效对象.json", _forms({"a": 1}))),
    Kind("forms-fields-list", "json", _dump("绩效栏.json", _forms([{**FORM, "fields": ["x"]}]))),
    Kind("forms-cells-list", "json", _dump("绩效格.json", _forms([{**FORM, "indicators": [{"level2": "shuliang",
                                                                                         "cells": [1]}]}]))),
    Kind("forms-value-object", "json", _dump("绩效值.json", _forms([{**FORM, "fields": {"t.xmmc": {"a": 1}}}]))),
    Kind("forms-shape-list", "json", _dump("绩效表样.json", _forms([{**FORM, "shape": ["c_zhongdian_ziping"]}]))),
    # review records (once: a partial document left behind)
    Kind("review-comment-tbl-object", "json", _dump("批注.json", _review(comments=[
        {"id": 1, "parent_id": None, "tbl": {"x": 1}, "row": None, "col": None, "finding": None, "author": "甲",
         "at": "2024", "text": "x", "resolved_by": None, "resolved_at": None}]))),
    Kind("review-states-number", "json", _dump("状态.json", _review(states=7))),
    Kind("review-duplicate-state", "json", _dump("重复状态.json", _review(states=[
        {"tbl": "shouzhi_zongbiao", "state": "submitted", "who": "甲", "at": "2024", "reason": ""}] * 2))),
    Kind("review-seal-null-digest", "json", _dump("封签.json", _review(seals=[
        {"tbl": "shouzhi_zongbiao", "digest": None, "figures": "{}", "signer": "甲", "at": "2024"}]))),
    Kind("review-comment-missing-fields", "json", _dump("缺字段.json", _review(comments=[{"id": 1}]))),
    Kind("review-comment-huge-id", "json", _dump("大编号.json", _review(comments=[
        {"id": 10**30, "parent_id": None, "tbl": "shouzhi_zongbiao", "row": None, "col": None, "finding": None,
         "author": "甲", "at": "2024", "text": "x", "resolved_by": None, "resolved_at": None}]))),
    Kind("review-unknown-state", "json", _dump("未知状态.json", _review(states=[
        {"tbl": "shouzhi_zongbiao", "state": "burnt", "who": "甲", "at": "2024", "reason": ""}]))),
    # published figures of the wrong shape
    Kind("published-rows-strings", "json", _dump("公开行.json", _published(
        lambda d: d["tables"][0].update(income_rows=["x", 1])))),
    Kind("published-document-list", "json", _dump("公开文档.json", _published(lambda d: d.update(document=[1])))),
    Kind("published-forms-funding-rows-numbers", "json", _dump("公开绩效.json", _published(
        lambda d: d["performance_forms"][0]["funding"].update(rows=[1, 2])))),
    Kind("published-indicators-object", "json", _dump("公开指标.json", _published(
        lambda d: d["performance_forms"][0].update(indicators={"a": {"b": [1]}}, **{"项目名称": ["x"]})))),
    # not a file
    Kind("fifo-json", "json", _fifo("管道.json"), words=("管道",)),
    Kind("symlink-dev-zero-json", "json", _symlink("零.json", "/dev/zero"), words=("设备",)),
    Kind("directory-json", "json", _directory, words=("文件夹",)),
]
