"""``gongkai huizong`` (汇总 of unit files, and ``--trace``) and ``gongkai check --batch`` (a folder of files).

Progress goes to stderr, results to stdout; refusals raise :class:`HuizongError`, printed in Chinese.
"""

from __future__ import annotations

import argparse
import functools
import sys
from collections.abc import Callable
from pathlib import Path

from ..core.huizong import HuizongError
from ..core.i18n import tr
from ..core.user import current_user
from . import EXIT_FINDINGS, EXIT_OK, CliError, print_json


class _Progress:
    """``[12/1000] name`` on stderr, overwritten in a terminal, every 5 % otherwise."""

    def __init__(self, what: str) -> None:
        self.what, self.tty, self.last = what, sys.stderr.isatty(), -1

    def __call__(self, done: int, total: int, name: object) -> None:
        step = max(1, total // 20)
        if self.tty:
            sys.stderr.write(f"\r{self.what} {done}/{total}")
            if done == total:
                sys.stderr.write("\n")
        elif done == total or done // step != self.last:
            self.last = done // step
            sys.stderr.write(f"{self.what} {done}/{total}\n")
        sys.stderr.flush()


def _refusals_in_chinese(func: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """A :class:`HuizongError` is a refusal like any other: printed by ``gongkai`` with exit code 2."""
    @functools.wraps(func)
    def run(args: argparse.Namespace) -> int:
        try:
            return func(args)
        except HuizongError as exc:
            raise CliError(str(exc)) from exc
    return run


@_refusals_in_chinese
def cmd_huizong(args: argparse.Namespace) -> int:
    if args.trace:
        from ..core.huizong.trace import trace_huizong

        if args.units:
            raise CliError(tr("--trace 只需要汇总文件本身（它记录了各单位文件），不要再列单位文件。"))
        report = trace_huizong(Path(args.output), progress=_Progress(tr("追溯")))
        print_json(report.as_dict()) if args.json else print(report.text())
        return EXIT_FINDINGS if any(t.finding["severity"] == "error" for t in report.findings) else EXIT_OK
    from ..core.huizong.build import build_huizong

    result = build_huizong(Path(args.output), [Path(u) for u in args.units], name=args.name, who=current_user(),
                           force=args.force, progress=_Progress(tr("读取单位文件")))
    prov = result.provenance
    if args.json:
        print_json({"file": str(result.path), "name": prov.name, "units": [u.as_dict() for u in prov.units],
                    "notes": result.notes, "moves": result.moves.as_dict() if result.moves else None})
        return EXIT_OK
    print(tr("已生成汇总文件 {path}（{name}，{units_count} 个单位）。", path=result.path, name=prov.name, units_count=len(prov.units)))
    for note in result.notes:
        print(tr("说明：{note}", note=note))
    if result.moves is not None:
        print("\n".join(result.moves.lines()))
    print(tr("可用 gongkai check {path} 审核汇总结果，用 gongkai huizong --trace {path} 追溯到单位文件。", path=result.path))
    return EXIT_OK


@_refusals_in_chinese
def check_batch(args: argparse.Namespace) -> int:
    """``gongkai check --batch FOLDER [--report R] [--json]``: exit 1 when a file has 错误 or cannot be read."""
    from ..core.huizong.batch import run_batch, totals
    from ..core.huizong.batch_report import summary_line, write_report

    if args.file:
        raise CliError(tr("check --batch 审核整个文件夹，不要同时给出单个文件。"))
    folder = Path(args.batch)
    if args.report:
        report = Path(args.report)
        if report.suffix.lower() not in (".xlsx", ".html", ".htm"):
            raise CliError(tr("报告文件应以 .xlsx 或 .html 结尾（收到“{name}”）。", name=report.name))
    rows = run_batch(folder, progress=_Progress(tr("审核")))
    if args.report:
        write_report(rows, Path(args.report), str(folder))
    if args.json:
        print_json({"folder": str(folder), "totals": totals(rows), "files": [r.as_dict() for r in rows]})
    else:
        for r in rows:
            if r.status == "ok":
                print(tr("{name}\t{unit_name}\t{set_name}\t{verdict}\t错误 {errors}\t提示 {warnings}"
                      "\t尾数误差 {rounding}\t{review}\t{seal}", name=r.name, unit_name=r.unit_name, set_name=r.set_name, verdict=r.verdict, errors=r.errors, warnings=r.warnings, rounding=r.rounding, review=r.review, seal=r.seal))
            else:
                print(f"{r.name}\t{r.verdict}\t{r.reason}")
        print(summary_line(rows))
        if args.report:
            print(tr("报告已写入 {report}", report=args.report))
    t = totals(rows)
    return EXIT_FINDINGS if t["with_errors"] or t["bad"] else EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("huizong", help=tr("把各单位文件汇总成部门汇总文件（同一表套、年度、金额单位）；--trace 追溯审核问题来自哪个单位"))
    p.add_argument("output", help=tr("汇总文件（.gkb）；已存在的汇总文件会被重新汇总，并列出变动"))
    p.add_argument("units", nargs="*", help=tr("单位文件（.gkb）；重新汇总时可省略，沿用上次的单位文件"))
    p.add_argument("--name", help=tr("部门名称（默认沿用上次的，或取汇总文件名）"))
    p.add_argument("--trace", action="store_true", help=tr("追溯汇总文件的审核问题：来自哪个单位文件、各单位的数字"))
    p.add_argument("--force", action="store_true", help=tr("旧汇总文件中有批注或审核记录时也重新汇总（它们不会保留）"))
    p.add_argument("--json", action="store_true", help=tr("以 JSON 输出"))
    p.set_defaults(func=cmd_huizong)


__all__ = ["check_batch", "cmd_huizong", "register"]
