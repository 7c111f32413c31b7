"""The ``gongkai`` command (Qt-free except for starting the GUI when called without a subcommand).

Exit codes: 0 success, 1 the checks found 错误, 2 bad usage or a bad file.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from . import __version__
from .argparse_zh import ChineseArgumentParser
from .commands import EXIT_BAD, EXIT_FINDINGS, EXIT_OK, CliError, print_json, register_all
from .core.i18n import N_, tr
from .core.user import current_user

if TYPE_CHECKING:
    from .core.document import Document

# Each subcommand imports what it needs when it runs: `gongkai set` must not pay for the workbook, report,
# narrative and demo modules (start-up is most of a one-cell edit from the command line).

_print_json = print_json


def _read_json(path: Path) -> Any:
    """A JSON file someone handed over, read under the rules of :mod:`desktop.core.formats.json_input`."""
    from .core.formats.json_input import read_json_file

    return read_json_file(path)


# -- subcommands ----------------------------------------------------------------------------------
def cmd_sets(args: argparse.Namespace) -> int:
    from .core.definitions import all_sets

    sets = all_sets()
    if args.json:
        _print_json([
            {"id": s.id, "name": s.name, "kind": s.info.kind, "year": s.info.year, "region": s.info.region,
             "money_unit": s.info.money_unit, "tables": [{"key": t.key, "label": t.label, "title": t.title}
                                                         for t in s.tables], "rules": len(s.rules)}
            for s in sets.values()
        ])
        return EXIT_OK
    for s in sets.values():
        print(tr("{id}\t{name}\t{kind}\t{year}\t{region}\t默认金额单位 {money_unit}"
              "\t{tables_count} 张表\t{rules_count} 条规则", id=s.id, name=s.name, kind=s.info.kind, year=s.info.year, region=s.info.region, money_unit=s.info.money_unit, tables_count=len(s.tables), rules_count=len(s.rules)))
    return EXIT_OK


def cmd_new(args: argparse.Namespace) -> int:
    from .core.definitions import all_sets
    from .core.document import Document

    sets = all_sets()
    if args.set not in sets:
        raise CliError(tr("没有名为 {set} 的模板。可用模板：{sets}（见 gongkai sets）", set=args.set, sets='、'.join(sorted(sets))))
    tset = sets[args.set]
    meta = {
        "set_id": tset.id, "set_version": tset.info.version, "unit_name": args.unit,
        "year": str(args.year or tset.info.year), "money_unit": args.money_unit or tset.info.money_unit,
    }
    doc = Document.create(Path(args.file), meta, who=current_user())
    doc.close()
    print(tr("已创建 {file}（{name}，{unit_name} {year}，金额单位 {money_unit}）", file=args.file, name=tset.name, unit_name=meta['unit_name'], year=meta['year'], money_unit=meta['money_unit']))
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    from .core.report import check_report, check_text
    from .core.session import Session

    if args.batch:  # a folder of files, one row each: desktop/commands/huizong.py
        from .commands.huizong import check_batch

        return check_batch(args)
    if not args.file:
        raise CliError(tr("请给出要审核的文件，或用 --batch 文件夹 审核整个文件夹。"))
    session = Session.open(Path(args.file), readonly=True)
    try:
        if args.json:
            report = check_report(session)
            _print_json(report)
            errors = report["summary"]["error"]
        else:
            print(check_text(session))
            errors = sum(1 for f in session.findings() if f.severity == "error")
    finally:
        session.close()
    return EXIT_FINDINGS if errors else EXIT_OK


def cmd_dump(args: argparse.Namespace) -> int:
    from .core.document import Document
    from .core.formats.dump import dump_document

    with Document.open(Path(args.file), readonly=True) as doc:
        data = dump_document(doc)
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return EXIT_OK


def load_any(source: Path, target: Path, set_id: str | None = None, quiet: bool = False) -> Document:
    """Create ``target`` from a dump or a published-figures JSON, reporting what could not be placed.

    All or nothing: a file that is refused, at any step, leaves no document (and no partial one) behind."""
    from .core.formats.dump import DumpError, load_dump
    from .core.formats.published import convert_published, is_published_figures
    from .core.jixiao.seeds import convert_forms

    data = _read_json(source)
    forms = None
    if is_published_figures(data):
        conversion = convert_published(data, set_id)
        try:
            forms = convert_forms(data)
        except (AttributeError, TypeError, ValueError, IndexError, KeyError) as exc:
            raise DumpError(tr("公开数据 JSON 的绩效表部分（performance_forms）结构不对，无法读取（{problem}）。"
                            "请确认文件是按表转录的公开数据格式，或重新导出。未创建文档。", problem=str(exc)[:80] or type(exc).__name__)) from exc
        if not quiet:
            print(conversion.set_reason)
            for title in conversion.unmatched_tables:
                print(tr("未能识别的表：{title}", title=title))
            for item in [*conversion.unplaced, *forms.unplaced]:
                print(tr("未能放入：{item}", item=item))
        data = conversion.dump
    elif not isinstance(data, dict):
        raise CliError(tr("“{name}”的内容不是一个对象（{{…}}），不是本软件或公开数据的 JSON，未创建文档。", name=source.name))
    elif set_id and data.get("set") != set_id:
        raise CliError(tr("导出文件使用模板 {set_in_file}，与 --set {set_id} 不一致。", set_in_file=str(data.get('set'))[:40], set_id=set_id))
    doc = load_dump(data, target, who=current_user(), extra_forms=forms if forms and forms.forms else None)
    if forms and forms.forms and not quiet:
        print(tr("绩效表 {forms_count} 张", forms_count=len(forms.forms)))
    return doc


def cmd_load(args: argparse.Namespace) -> int:
    doc = load_any(Path(args.dump), Path(args.output), args.set)
    print(tr("已创建 {output}（模板 {set_id}）", output=args.output, set_id=doc.set_id))
    doc.close()
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from .core.document import Document

    with Document.open(Path(args.file), readonly=True) as doc:
        from .core.formats.xlsx_export import export_document  # openpyxl loads only when needed

        names = export_document(doc, Path(args.output), args.table or None)
    print(tr("已导出 {output}（{count} 张表：{names}）", output=args.output, count=len(names), names='、'.join(names)))
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from .core.formats.xlsx_import import import_workbook  # openpyxl loads only when needed

    doc, conversion = import_workbook(Path(args.workbook), Path(args.output), args.set, who=current_user())
    print(conversion.set_reason)
    for title in conversion.unmatched_tables:
        print(tr("未能识别：{title}", title=title))
    for item in conversion.unplaced:
        print(tr("未能放入：{item}", item=item))
    for note in conversion.formulas:
        print(tr("公式：{note}", note=note))
    for item in conversion.skipped:
        print(tr("未读入：{item}", item=item))
    for item in conversion.continued:
        print(tr("续表：{item}", item=item))
    forms = conversion.forms
    for item in forms.unplaced if forms is not None else []:
        print(tr("绩效表未能读入：{item}", item=item))
    checks = tr("，{formulas_count} 个公式单元格请核对", formulas_count=len(conversion.formulas)) if conversion.formulas else ""
    shapes = tr("，绩效表 {forms_count} 张", forms_count=len(forms.forms)) if forms is not None and forms.forms else ""
    print(tr("已创建 {output}（模板 {set_id}，{matched_count} 张表{shapes}，"
          "{unplaced_count} 个单元格未能放入{checks}）", output=args.output, set_id=doc.set_id, matched_count=len(conversion.matched), shapes=shapes, unplaced_count=len(conversion.unplaced), checks=checks))
    doc.close()
    return EXIT_OK


def cmd_set(args: argparse.Namespace) -> int:
    from .core.session import Session

    session = Session.open(Path(args.file), who=current_user())
    try:
        delta = session.set_text((args.table, args.row, args.col), args.value, who=current_user())
    finally:
        session.close()
    if not delta.cells:
        print(tr("与原来的数相同，未作修改。"))
        return EXIT_OK
    print(tr("已保存；连带更新 {count} 个合计单元格。", count=len(delta.cells) - 1))
    return EXIT_OK


def cmd_forms(args: argparse.Namespace) -> int:
    from .core.formats.forms_xlsx import import_forms
    from .core.formats.forms_xlsx_export import export_forms
    from .core.jixiao.seeds import load_forms as add_forms
    from .core.session import Session

    # the workbook is read (and refused) before the document is opened for writing
    read = import_forms(Path(args.import_xlsx)) if args.import_xlsx else None
    session = Session.open(Path(args.file), readonly=read is None)
    try:
        if read is not None:
            for item in read.unplaced:
                print(tr("未能读入：{item}", item=item))
            for item in read.notes:
                print(tr("公式：{item}", item=item))
            with session.step(N_("导入绩效表")):  # every form read is one undo step
                add_forms(session.doc, read, who=current_user())
            session.forms.reload()
            print(tr("已读入绩效表 {forms_count} 张", forms_count=len(read.forms)))
        if args.export:
            export_forms(session.forms, Path(args.export))
            print(tr("已导出到 {export}", export=args.export))
        rows = session.forms.summaries()
    finally:
        session.close()
    if args.json:
        _print_json([{"id": r.id, "shape": r.shape, "shape_name": r.shape_name, "title": r.title,
                      "total_weight": str(r.total_weight), "total_score": str(r.total_score), "grade": r.grade,
                      "errors": r.errors, "warnings": r.warnings} for r in rows])
        return EXIT_OK
    if not rows:
        print(tr("本文档没有绩效表。"))
    for r in rows:
        score = tr("总分 {total_score}/{total_weight}，{grade}", total_score=r.total_score, total_weight=r.total_weight, grade=r.grade) if r.grade else tr("不计分")
        print(tr("{id}\t{title}\t{shape_name}\t{score}\t错误 {errors} 条，提示 {warnings} 条", id=r.id, title=r.title, shape_name=r.shape_name, score=score, errors=r.errors, warnings=r.warnings))
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from .core.demo import build_demo
    from .core.report import check_text
    from .core.session import Session

    target = build_demo(Path(args.output) if args.output else None, who=current_user())
    print(tr("示例文档：{target}", target=target))
    if args.text or not _can_show_windows():
        if not args.text:
            print(tr("（没有可用的图形显示，改为在终端显示审核结果）"))
        session = Session.open(target, readonly=True)
        try:
            print(check_text(session))
        finally:
            session.close()
        return EXIT_OK
    return _start_gui([str(target)])


def cmd_diff(args: argparse.Namespace) -> int:
    from .core.diff import compare_documents
    from .core.document import Document

    with Document.open(Path(args.old), readonly=True) as old, Document.open(Path(args.new), readonly=True) as new:
        result = compare_documents(old, new)
    if args.json:
        _print_json(result.as_dict())
    else:
        print(tr("比较 {old} → {new}：{summary}", old=args.old, new=args.new, summary=result.summary()))
        for label, before, after in result.meta:
            print(f"{label}：{before} → {after}")
        for row in result.rows:
            print(row.text())
        for cell in result.cells:
            print(cell.text())
        for change in result.review:
            print(change.text())
    return EXIT_OK if result.same else EXIT_FINDINGS


def cmd_open(args: argparse.Namespace) -> int:
    if not _can_show_windows():
        raise CliError(tr("没有可用的图形显示（DISPLAY 未设置），无法打开窗口。可用 gongkai check 在终端审核。"))
    return _start_gui([args.file])


def cmd_gui(args: argparse.Namespace) -> int:
    if not _can_show_windows():
        print(tr("没有可用的图形显示（DISPLAY 未设置），无法打开窗口。请用子命令工作（gongkai --help）。"))
        return EXIT_BAD
    return _start_gui([])


def _can_show_windows() -> bool:
    """False where no window could be seen: Linux without a display, or Qt told to draw offscreen
    (starting Qt without a display would abort the process; offscreen would wait for nobody)."""
    if os.environ.get("QT_QPA_PLATFORM", "") in ("offscreen", "minimal"):
        return False
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


def _start_gui(files: list[str]) -> int:
    gc.set_threshold(*_USUAL_COLLECTION)  # the window is long-lived: the usual rhythm once it is built (run())
    gc.disable()  # no collections while the start builds what stays; desktop.gui.app.start turns it back on
    from .core.load_ahead import load_ahead

    load_ahead(files)  # what these documents need, imported before Qt
    try:
        from .gui.app import run
    except ImportError as exc:
        gc.enable()
        raise CliError(tr("图形界面无法启动（{exc}）。请重新安装：pip install -e .", exc=exc)) from exc
    return int(run(files))


# -- parser ---------------------------------------------------------------------------------------
class _OnlyOne:
    """Sub-parsers that build only the subcommand about to run: each of the 23 parsers with its help texts
    costs argparse most of a millisecond, and the command modules' imports more (about 17 ms in all, a fifth
    of a ``gongkai set``). The others are handed a stand-in that takes every call and builds nothing."""

    def __init__(self, sub: argparse._SubParsersAction, name: str) -> None:  # type: ignore[type-arg]
        self.sub, self.name, self.built = sub, name, False

    def add_parser(self, name: str, **kwargs: Any) -> Any:
        if name != self.name:
            return _NotBuilt()
        self.built = True
        return self.sub.add_parser(name, **kwargs)


class _NotBuilt:
    """A parser that is not needed for this run: every method call is taken and ignored."""

    def __getattr__(self, _name: str) -> Any:
        return lambda *args, **kwargs: self


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The ``gongkai`` parser; ``only``: build just that subcommand's parser ("" for none: the window)."""
    parser = ChineseArgumentParser(
        prog="gongkai",
        description=tr("公开表工作台：部门决算/预算公开表的填报、审核与导出。不带子命令时启动图形界面。"),
        epilog=tr("退出码：0 成功；1 审核发现错误（diff：两个文件不同；review：有封签已破）；2 用法错误或文件有问题。"),
    )
    parser.add_argument("--version", action="version", version=f"gongkai {__version__}")
    parser.add_argument("--self-test", action="store_true",
                        help=tr("自检：在临时文件夹中生成示例文档，审核、填写、打开窗口（offscreen）并导出，通过则退出码为 0"))
    real_sub = parser.add_subparsers(dest="command", metavar=tr("子命令"))
    sub: Any = real_sub if only is None else _OnlyOne(real_sub, only)

    p = sub.add_parser("sets", help=tr("列出可用的模板（表套）"))
    p.add_argument("--json", action="store_true", help=tr("以 JSON 输出"))
    p.set_defaults(func=cmd_sets)

    p = sub.add_parser("new", help=tr("新建一个空白文档（.gkb）"))
    p.add_argument("file", help=tr("新文档的路径，如 某单位-2024.gkb"))
    p.add_argument("--set", required=True, help=tr("模板编号（见 gongkai sets）"))
    p.add_argument("--unit", required=True, help=tr("单位名称"))
    p.add_argument("--year", type=int, help=tr("年度（默认取模板年度）"))
    p.add_argument("--money-unit", choices=[tr("元"), tr("万元")], help=tr("金额单位（默认取模板设置）"))
    p.set_defaults(func=cmd_new)

    p = sub.add_parser("check", help=tr("审核文档，列出错误、提示与尾数误差"))
    p.add_argument("file", nargs="?")
    p.add_argument("--json", action="store_true", help=tr("以 JSON 输出审核结果"))
    p.add_argument("--batch", metavar="FOLDER", help=tr("审核文件夹中的全部 .gkb 文件，每个文件一行（只读，坏文件列出原因）"))
    p.add_argument("--report", help=tr("与 --batch 一起：把结果写成 .xlsx 或 .html 报告"))
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("dump", help=tr("把文档的全部数值导出为 JSON"))
    p.add_argument("file")
    p.add_argument("-o", "--output", help=tr("写入文件（默认输出到屏幕）"))
    p.set_defaults(func=cmd_dump)

    p = sub.add_parser("load", help=tr("由 JSON（本软件导出的，或按表转录的公开数据）创建文档"))
    p.add_argument("dump", help=tr("JSON 文件"))
    p.add_argument("-o", "--output", required=True, help=tr("新文档的路径"))
    p.add_argument("--set", help=tr("指定模板编号（默认自动识别）"))
    p.set_defaults(func=cmd_load)

    p = sub.add_parser("export", help=tr("按公开表格式导出为 Excel 工作簿（.xlsx，每张表一个工作表）"))
    p.add_argument("file", help=tr("文档（.gkb）"))
    p.add_argument("-o", "--output", required=True, help=tr("工作簿路径，如 某单位-2022.xlsx"))
    p.add_argument("--table", action="append", help=tr("只导出这张表（表键，可重复；默认全部）"))
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("import", help=tr("由 Excel 工作簿（.xlsx/.xls、网页或 Excel 2003 XML 另存的 .xls）中的公开表与绩效表创建文档"))
    p.add_argument("workbook", help=tr("工作簿文件"))
    p.add_argument("-o", "--output", required=True, help=tr("新文档的路径"))
    p.add_argument("--set", help=tr("指定模板编号（默认自动识别）"))
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("set", help=tr("填写一个单元格（合计自动重算）"))
    p.add_argument("file")
    p.add_argument("table", help=tr("表键，如 shouzhi_zongbiao"))
    p.add_argument("row", help=tr("行键或科目编码"))
    p.add_argument("col", help=tr("栏键"))
    p.add_argument("value", help=tr("金额，如 1,234.56；留空字符串表示清空"))
    p.set_defaults(func=cmd_set)

    p = sub.add_parser("forms", help=tr("列出文档中的绩效自评表/目标表，及其总分与等级"))
    p.add_argument("file")
    p.add_argument("--json", action="store_true", help=tr("以 JSON 输出"))
    p.add_argument("-o", "--export", help=tr("把全部绩效表导出为 Excel 工作簿（每表一页，按印制格式）"))
    p.add_argument("--import", dest="import_xlsx",
                   help=tr("从 Excel 工作簿（.xlsx/.xls/网页/Excel 2003 XML，任意位置、任意表样）读入绩效表，加入文档"))
    p.set_defaults(func=cmd_forms)

    p = sub.add_parser("demo", help=tr("由内置示例数据（柳林县医疗保障局 2022 决算）生成示例文档并在窗口中打开"))
    p.add_argument("-o", "--output", help=tr("示例文档路径（默认放在临时文件夹）"))
    p.add_argument("--text", action="store_true", help=tr("不开窗口，在终端显示审核结果"))
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("diff", help=tr("逐格比较两个文档（同一模板），列出不同的单元格、科目行和封面信息"))
    p.add_argument("old", help=tr("原来的文档"))
    p.add_argument("new", help=tr("修改后的文档"))
    p.add_argument("--json", action="store_true", help=tr("以 JSON 输出"))
    p.set_defaults(func=cmd_diff)

    p = sub.add_parser("open", help=tr("在窗口中打开一个文档（.gkb）"))
    p.add_argument("file")
    p.set_defaults(func=cmd_open)
    if only is None or (only and not sub.built):
        register_all(sub)  # the rooms' own subcommands (their modules load only when one may be named)
    parser.set_defaults(_built_only=only is None or not only or sub.built)
    return parser


def _parse(argv: list[str]) -> argparse.Namespace:
    """Parse with only the parser the first word names (or none, to open the window); anything else
    (help, an option first, a word that is no subcommand) goes to the whole parser, which answers as usual."""
    only = "" if not argv else argv[0] if not argv[0].startswith("-") else None
    if only is not None:
        parser = build_parser(only)
        if parser.get_default("_built_only"):  # the word names a subcommand (or there is none)
            return parser.parse_args(argv)
    return build_parser().parse_args(argv)


def _refusals() -> tuple[type[BaseException], ...]:
    """The errors that are refusals (exit 2, their Chinese message as is), imported once one was raised."""
    from .core.definitions.errors import DefinitionError
    from .core.diff import DiffError
    from .core.document.errors import DocumentError
    from .core.formats.dump import DumpError
    from .core.formats.errors import ExportError, WorkbookError
    from .core.jixiao.errors import FormEditError
    from .core.session import EditError

    return (CliError, DocumentError, DumpError, EditError, FormEditError, DefinitionError, DiffError, ExportError,
            WorkbookError, KeyError)


def main(argv: list[str] | None = None) -> int:
    try:
        args = _parse(sys.argv[1:] if argv is None else list(argv))
    except SystemExit as exc:
        return int(exc.code or 0) and EXIT_BAD
    if args.self_test:
        from .selftest import run as self_test

        return self_test()
    func = getattr(args, "func", cmd_gui)
    try:
        return func(args)
    except Exception as exc:  # noqa: BLE001 - a refusal in Chinese; the last resort for anything else
        if isinstance(exc, _refusals()):
            message = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
            print(tr("错误：{message}", message=message), file=sys.stderr)
            return EXIT_BAD
        from .core.crashlog import internal_error_message

        print(tr("错误：{details}", details=internal_error_message(exc)), file=sys.stderr)
        return EXIT_BAD


# what a command may leave for the interpreter's ordinary exit to finish: the window and its settings, pools of
# worker processes or threads, logging handlers, temporary folders removed by their finalizers (any of these
# loaded means the ordinary exit is taken)
_NEEDS_ORDINARY_EXIT = ("PySide6.QtCore", "multiprocessing", "concurrent.futures", "logging", "asyncio",
                        "tempfile")


_USUAL_COLLECTION = gc.get_threshold()
ONE_SHOT_COLLECTION = (50_000, 20, 20)  # allocations between collections of the youngest generation, and so on


def run() -> NoReturn:
    """The ``gongkai`` command: :func:`main`, then the process ends.

    A command builds what it needs (the core's modules, a document's rows and rules: ~50,000 objects that
    all stay) and ends. Python's collector, run every 700 allocations, walked them ~40 times in a
    ``gongkai set`` (~6 ms, a tenth of the command); it runs every 50,000 allocations instead, so a long
    command (汇总 of 1,000 files) still collects its garbage. The window goes back to the usual rhythm.

    A one-shot command ends without Python's teardown of every loaded module, which with the core loaded
    costs about 9 ms, a tenth of a ``gongkai set``. By then its documents are closed and every edit is
    committed; its output is flushed here. Anything that could still hold work (see
    ``_NEEDS_ORDINARY_EXIT``, a second thread) takes the ordinary exit."""
    import threading

    gc.set_threshold(*ONE_SHOT_COLLECTION)
    code = main()
    if threading.active_count() > 1 or any(name in sys.modules for name in _NEEDS_ORDINARY_EXIT):
        sys.exit(code)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed pipe: the ordinary exit reports it as it always did
        sys.exit(code)
    os._exit(code)


if __name__ == "__main__":
    run()
