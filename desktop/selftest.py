"""``gongkai --self-test``: prove an installed copy works, offscreen, in a temporary folder.

Steps: every template set and code list loads; the demo document is built from its dump, checked, and
dumped back unchanged; a typed figure is committed durably and raises the 错误 it should; the
application window opens offscreen and lays out every table; the Excel export runs when this version
has it. Prints one Chinese line per step; exit 0 when all pass, 1 with the reason otherwise.
Used by packaging/ to smoke-test a bundle (``dist/gongkai/gongkai --self-test``).
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import sqlite3
import sys
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path

from .core.i18n import N_, tr

PROBE_CELL = ("shouzhi_zongbiao", "in_sy", "amount")  # 事业收入 in 公开01 of the demo (2022 set)


class SelfTestFailure(Exception):
    """A step found the program not working; the message says what, in Chinese."""


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise SelfTestFailure(message)


def step_definitions(work: Path) -> str:
    from .core.codes import default_code_lists
    from .core.definitions import all_sets
    from .core.document import schema_version

    sets = all_sets()
    _require(bool(sets), tr("没有找到任何模板（resources/templates 缺失或为空）"))
    default_code_lists()
    version = schema_version()
    _require(version >= 1, tr("没有找到文档格式迁移脚本（db/migrations 缺失）"))
    return tr("模板 {sets_count} 套、科目编码表、文档格式版本 {version} 均已载入", sets_count=len(sets), version=version)


def step_demo(work: Path) -> str:
    from .core.demo import DEMO_DUMP, build_demo
    from .core.formats.dump import dump_document
    from .core.paths import resources_dir
    from .core.session import Session

    path = build_demo(work / tr("示例.gkb"), who=tr("自检"))
    session = Session.open(path, who=tr("自检"))
    try:
        incremental = {f.key for f in session.findings()}
        full = {f.key for f in session.engine.check_all()}
        _require(incremental == full, tr("增量审核与全面审核的结果不一致"))
        errors = [f for f in session.findings() if f.severity == "error"]
        _require(not errors, tr("示例文档不应有错误，却发现 {count} 条：{first}", count=len(errors), first=errors[0].message if errors else ''))
        source = json.loads((resources_dir() / DEMO_DUMP).read_text(encoding="utf-8"))
        _require(dump_document(session.doc)["tables"] == source["tables"], tr("示例文档导出的数值与示例数据不一致"))
        cells = len(session.doc.values())
        rules = len(session.engine.instances)
    finally:
        session.close()
    return tr("示例文档已生成并审核：{cells} 个数值，{rules} 条规则实例，无错误，导出数值与原数据一致", cells=cells, rules=rules)


def step_edit(work: Path) -> str:
    from .core.session import Session

    path = work / tr("示例.gkb")
    session = Session.open(path, who=tr("自检"))
    try:
        before = session.value(PROBE_CELL)
        session.set_text(PROBE_CELL, "12.5", who=tr("自检"))
        errors = [f for f in session.findings() if f.severity == "error"]
        _require(bool(errors), tr("改动一个收入数后，应当发现勾稽关系错误，却没有发现"))
    finally:
        session.close()
    reopened = Session.open(path, readonly=True)
    try:
        _require(reopened.value(PROBE_CELL) == 1250, tr("刚保存的数字在重新打开后不见了"))
        _require(len([f for f in reopened.findings() if f.severity == "error"]) == len(errors),
                 tr("重新打开后审核结果与保存前不一致"))
    finally:
        reopened.close()
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        status = conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()
    _require(status == "ok", tr("文档完整性检查未通过：{status}", status=status))
    restore = Session.open(path, who=tr("自检"))
    try:
        restore.set_values({PROBE_CELL: before}, who=tr("自检"))
    finally:
        restore.close()
    return tr("填写一个数字：立即保存，重新打开仍在，发现 {errors_count} 条错误，文件完整性检查通过", errors_count=len(errors))


def step_window(work: Path) -> str:
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    try:
        from PySide6.QtCore import QSettings
    except ImportError as exc:
        raise SelfTestFailure(tr("图形界面库 PySide6 无法载入（{exc}）", exc=exc)) from exc
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(work / "settings"))
    from .gui.app import Application, make_qapplication

    qapp = make_qapplication()
    window = Application(qapp).open_path(work / tr("示例.gkb"), mode="edit")
    _require(window is not None, tr("窗口没有打开示例文档"))
    window.resize(1280, 820)
    window.show()
    shown = 0
    for table in window.session.tset.tables:
        window.show_table(table.key)
        qapp.processEvents()
        image = window.grab()
        _require(not image.isNull() and image.width() > 0, tr("{title} 无法显示", title=table.title))
        shown += 1
    window.close()
    qapp.processEvents()
    return tr("窗口（offscreen）已打开示例文档并显示全部 {shown} 张表", shown=shown)


def step_export(work: Path) -> str:
    if importlib.util.find_spec("desktop.core.formats.xlsx_export") is None:
        return tr("跳过：本版本没有 Excel 导出模块")
    from .core.document import Document

    export = importlib.import_module("desktop.core.formats.xlsx_export")
    target = work / tr("示例.xlsx")
    with Document.open(work / tr("示例.gkb"), readonly=True) as doc:
        export.export_document(doc, target)
        values = doc.values()
    _require(target.is_file() and target.stat().st_size > 0, tr("Excel 文件没有生成"))
    from openpyxl import load_workbook

    sheets = len(load_workbook(target, read_only=True).sheetnames)
    if importlib.util.find_spec("desktop.core.formats.xlsx_import") is None:
        return tr("已导出 Excel（{sheets} 个工作表）", sheets=sheets)
    importer = importlib.import_module("desktop.core.formats.xlsx_import")
    back, _conversion = importer.import_workbook(target, work / tr("导回.gkb"), who=tr("自检"))
    try:
        _require(back.values() == values, tr("导出后再导入的数值与原文档不一致"))
    finally:
        back.close()
    return tr("已导出 Excel（{sheets} 个工作表），再导入后数值逐格一致", sheets=sheets)


STEPS: list[tuple[str, Callable[[Path], str]]] = [
    (N_("模板与编码"), step_definitions),
    (N_("示例文档"), step_demo),
    (N_("填写与保存"), step_edit),
    (N_("窗口"), step_window),
    (N_("Excel 导出"), step_export),
]


def run(out=None) -> int:  # noqa: ANN001 - a text stream
    """Run every step; returns the exit code (0 all passed, 1 a step failed)."""
    out = out or sys.stdout
    print(tr("公开表工作台自检"), file=out)
    with tempfile.TemporaryDirectory(prefix="gongkai-selftest-") as tmp:
        work = Path(tmp)
        for label, step in STEPS:
            name = tr(label)
            try:
                detail = step(work)
            except SelfTestFailure as exc:
                print(f"  ✗ {name}：{exc}", file=out)
                print(tr("自检失败。请重新安装本软件；如仍失败，请把以上内容发给技术支持。"), file=out)
                return 1
            except Exception as exc:  # noqa: BLE001 - a self-test reports every failure
                print(tr("  ✗ {name}：程序出错（{kind}: {exc}）", name=name, kind=type(exc).__name__, exc=exc), file=out)
                traceback.print_exc(file=out)
                print(tr("自检失败。请重新安装本软件；如仍失败，请把以上内容发给技术支持。"), file=out)
                return 1
            print(f"  ✓ {name}：{detail}", file=out, flush=True)
    print(tr("自检通过。"), file=out, flush=True)
    return 0
