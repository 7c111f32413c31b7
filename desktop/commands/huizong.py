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
            raise CliError("--trace 只需要汇总文件本身（它记录了各单位文件），不要再列单位文件。")
        report = trace_huizong(Path(args.output), progress=_Progress("追溯"))
        print_json(report.as_dict()) if args.json else print(report.text())
        return EXIT_FINDINGS if any(t.finding["severity"] == "error" for t in report.findings) else EXIT_OK
    from ..core.huizong.build import build_huizong

    result = build_huizong(Path(args.output), [Path(u) for u in args.units], name=args.name, who=current_user(),
                           force=args.force, progress=_Progress("读取单位文件"))
    prov = result.provenance
    if args.json:
        print_json({"file": str(result.path), "name": prov.name, "units": [u.as_dict() for u in prov.units],
                    "notes": result.notes, "moves": result.moves.as_dict() if result.moves else None})
        return EXIT_OK
    print(f"已生成汇总文件 {result.path}（{prov.name}，{len(prov.units)} 个单位）。")
    for note in result.notes:
        print(f"说明：{note}")
    if result.moves is not None:
        print("\n".join(result.moves.lines()))
    print(f"可用 gongkai check {result.path} 审核汇总结果，用 gongkai huizong --trace {result.path} 追溯到单位文件。")
    return EXIT_OK


@_refusals_in_chinese
def check_batch(args: argparse.Namespace) -> int:
    """``gongkai check --batch FOLDER [--report R] [--json]``: exit 1 when a file has 错误 or cannot be read."""
    from ..core.huizong.batch import run_batch, totals
    from ..core.huizong.batch_report import summary_line, write_report

    if args.file:
        raise CliError("check --batch 审核整个文件夹，不要同时给出单个文件。")
    folder = Path(args.batch)
    if args.report:
        report = Path(args.report)
        if report.suffix.lower() not in (".xlsx", ".html", ".htm"):
            raise CliError(f"报告文件应以 .xlsx 或 .html 结尾（收到“{report.name}”）。")
    rows = run_batch(folder, progress=_Progress("审核"))
    if args.report:
        write_report(rows, Path(args.report), str(folder))
    if args.json:
        print_json({"folder": str(folder), "totals": totals(rows), "files": [r.as_dict() for r in rows]})
    else:
        for r in rows:
            if r.status == "ok":
                print(f"{r.name}\t{r.unit_name}\t{r.set_name}\t{r.verdict}\t错误 {r.errors}\t提示 {r.warnings}"
                      f"\t尾数误差 {r.rounding}\t{r.review}\t{r.seal}")
            else:
                print(f"{r.name}\t{r.verdict}\t{r.reason}")
        print(summary_line(rows))
        if args.report:
            print(f"报告已写入 {args.report}")
    t = totals(rows)
    return EXIT_FINDINGS if t["with_errors"] or t["bad"] else EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("huizong", help="把各单位文件汇总成部门汇总文件（同一表套、年度、金额单位）；--trace 追溯审核问题来自哪个单位")
    p.add_argument("output", help="汇总文件（.gkb）；已存在的汇总文件会被重新汇总，并列出变动")
    p.add_argument("units", nargs="*", help="单位文件（.gkb）；重新汇总时可省略，沿用上次的单位文件")
    p.add_argument("--name", help="部门名称（默认沿用上次的，或取汇总文件名）")
    p.add_argument("--trace", action="store_true", help="追溯汇总文件的审核问题：来自哪个单位文件、各单位的数字")
    p.add_argument("--force", action="store_true", help="旧汇总文件中有批注或审核记录时也重新汇总（它们不会保留）")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.set_defaults(func=cmd_huizong)


__all__ = ["check_batch", "cmd_huizong", "register"]
