"""``gongkai undo`` and ``gongkai redo``: the document's own undo history, shared with the window.

    gongkai undo FILE [--steps N]      take back the last N steps (default 1): all of them or none
    gongkai undo FILE --list [--json]  what undo would take back, newest first (and how many redo could do)
    gongkai redo FILE [--steps N]      apply again the steps undone last (until a new edit is made)
    gongkai redo FILE --list [--json]  what redo would apply again

The history is kept in the file (see :mod:`desktop.core.history`): a figure set with ``gongkai set`` or
typed in the window, a paste, a 科目 row removed with its figures, a 绩效 form or 情况说明 edit, an 出错说明 —
each is one step. Undo obeys the rules of an edit: a locked (待审核/已审核) table or a read-only file is
refused in Chinese and nothing changes. The person is ``GONGKAI_USER`` (else the login name).
A step's label is shown in the reader's language; ``--json`` gives it as stored (the source Chinese).
"""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path

from ..core import step_labels
from ..core.i18n import tr
from . import EXIT_OK, CliError, print_json

MAX_STEPS = 100


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``gongkai undo`` and ``gongkai redo``."""
    helps = {
        "undo": (tr("撤销文件中最近的修改（与窗口共用同一份修改历史）；--list 列出可撤销的步骤"),
                 tr("一次撤销 N 步（全部撤销或都不做，默认 1）"), tr("只列出可撤销的步骤，不做改动")),
        "redo": (tr("重做文件中最近的修改（与窗口共用同一份修改历史）；--list 列出可重做的步骤"),
                 tr("一次重做 N 步（全部重做或都不做，默认 1）"), tr("只列出可重做的步骤，不做改动")),
    }
    for name, (command, steps, listing) in helps.items():
        p = sub.add_parser(name, help=command)
        p.add_argument("file")
        p.add_argument("--steps", type=int, default=1, metavar="N", help=steps)
        p.add_argument("--list", action="store_true", help=listing)
        p.add_argument("--json", action="store_true", help=tr("与 --list 同用：以 JSON 输出"))
        p.set_defaults(func=_run, undo=name == "undo")


def _when(at: str) -> str:
    """A stored UTC time as local time to the minute (as stored when it does not read as a time)."""
    try:
        return datetime.fromisoformat(at.replace("Z", "+00:00")).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return at


def _run(args: argparse.Namespace) -> int:
    from ..core.session import Session
    from ..core.user import current_user

    if not 1 <= args.steps <= MAX_STEPS:
        raise CliError(tr("--steps 应为 1 到 {max_steps} 之间的整数（收到 {steps}）。", max_steps=MAX_STEPS,
                          steps=args.steps))
    if args.json and not args.list:
        raise CliError(tr("--json 只能与 --list 一起使用。"))
    who = current_user()
    session = Session.open(Path(args.file), readonly=args.list, who=who)
    try:
        if args.list:
            return _list(session, args)
        history = session.history
        history.check(undo=args.undo, count=args.steps)
        taken = []
        for _ in range(args.steps):
            step = history.steps("done" if args.undo else "undone", limit=1)[0]
            (session.undo if args.undo else session.redo)(who=who)
            taken.append(step)
        done, undone = history.counts()
    finally:
        session.close()
    for step in taken:
        label, at, who = step_labels.shown(step.label), _when(step.at), _who(step.who)
        if args.undo:
            print(tr("已撤销：{label}（{at} {who}；{summary}）", label=label, at=at, who=who, summary=step.summary))
        else:
            print(tr("已重做：{label}（{at} {who}；{summary}）", label=label, at=at, who=who, summary=step.summary))
    print(tr("现在还可撤销 {done} 步，可重做 {undone} 步。", done=done, undone=undone))
    return EXIT_OK


def _who(who: str) -> str:
    return who or tr("未署名")


def _list(session, args: argparse.Namespace) -> int:  # noqa: ANN001 - Session
    state = "done" if args.undo else "undone"
    steps = session.history.steps(state)
    if args.json:
        print_json([{"id": s.id, "at": s.at, "who": s.who, "label": s.label, "summary": s.summary,
                     "details": list(s.details)} for s in steps])
        return EXIT_OK
    if not steps:
        print(tr("没有可撤销的步骤。") if args.undo else tr("没有可重做的步骤。"))
        return EXIT_OK
    if args.undo:
        print(tr("可撤销的步骤（最近的在前，共 {count} 步）：", count=len(steps)))
    else:
        print(tr("可重做的步骤（下一次重做的在前，共 {count} 步）：", count=len(steps)))
    for n, s in enumerate(steps, 1):
        print(tr("{n:>3}. {label}（{at} {who}）：{summary}", n=n, label=step_labels.shown(s.label), at=_when(s.at),
                 who=_who(s.who), summary=s.summary))
        for line in s.details:
            print(f"       {line}")
    return EXIT_OK
