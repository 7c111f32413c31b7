"""``gongkai review``: list states, seals, signatures and 批注, or act on a table.

    gongkai review FILE [--json]                 list, verify every signature (exit 1 on any problem)
    gongkai review submit FILE TABLE             提交审核 (the 填报人)
    gongkai review withdraw FILE TABLE           撤回提交 (the submitter)
    gongkai review approve FILE TABLE            审核通过: seal and sign with your key
    gongkai review return FILE TABLE --reason …  退回 with the reason
    gongkai review comment FILE TABLE TEXT [--row R] [--col C]

The person is ``GONGKAI_USER`` (else the login name); the rules of who may do what are the core's
(:mod:`desktop.core.review.duties`), the same as in the window. TABLE is a table key (see
``gongkai sets --json``), a printed label such as 公开03表, or ``jixiao:<id>`` for a 绩效 form.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import NoReturn

from ..argparse_zh import ChineseRawDescriptionHelpFormatter
from ..core.i18n import N_, tr
from . import EXIT_FINDINGS, EXIT_OK, CliError, print_json

ACTIONS = ("submit", "withdraw", "approve", "return", "comment")
USAGE = N_("""gongkai review FILE [--json]
       gongkai review submit|withdraw|approve FILE TABLE
       gongkai review return FILE TABLE --reason 原因
       gongkai review comment FILE TABLE 批注内容 [--row 行] [--col 栏]""")


class _Parser(argparse.ArgumentParser):
    """A parser that reports bad usage as a :class:`CliError` (exit 2, in Chinese) instead of exiting."""

    def error(self, message: str) -> NoReturn:
        raise CliError(tr("用法不对（{message}）。用法：\n{usage}", message=message, usage=tr(USAGE)))


def _list_parser() -> _Parser:
    p = _Parser(prog="gongkai review", add_help=False)
    p.add_argument("file")
    p.add_argument("--json", action="store_true")
    return p


def _action_parser(action: str) -> _Parser:
    p = _Parser(prog=f"gongkai review {action}", add_help=False)
    p.add_argument("file")
    p.add_argument("table")
    if action == "comment":
        p.add_argument("text")
        p.add_argument("--row")
        p.add_argument("--col")
    if action == "return":
        p.add_argument("--reason", required=True)
    return p


def _table_key(session, name: str) -> str:  # noqa: ANN001 - Session
    """A table key from a key, a printed label (公开03表) or jixiao:<id>."""
    if name.startswith("jixiao:") or session.tset.has_table(name):
        return name
    for table in session.tset.tables:
        if name in (table.label, table.title):
            return table.key
    keys = "、".join(f"{t.key}（{t.label or t.title}）" for t in session.tset.tables)
    raise CliError(tr("没有表“{name}”。可用的表：{keys}", name=name, keys=keys))


def cmd_list(words: list[str]) -> int:
    from ..core.review import ReviewError
    from ..core.review.report import review_report, review_text
    from ..core.session import Session

    args = _list_parser().parse_args(words)
    session = Session.open(Path(args.file), readonly=True)
    try:
        report = review_report(session)
    except ReviewError as exc:  # this computer's record of signers could not be read
        raise CliError(str(exc)) from exc
    finally:
        session.close()
    print_json(report) if args.json else print(review_text(report))
    return EXIT_FINDINGS if report["broken_seals"] or report["problems"] else EXIT_OK


def cmd_action(action: str, words: list[str]) -> int:
    from ..core.review import ReviewError
    from ..core.session import Session
    from ..core.user import current_user

    args = _action_parser(action).parse_args(words)
    who = current_user()
    session = Session.open(Path(args.file), who=who)
    try:
        if session.doc.readonly:
            raise CliError(tr("文件不能写入（{readonly_reason}），未做任何改动。", readonly_reason=session.doc.readonly_reason))
        tbl = _table_key(session, args.table)
        review = session.review
        try:
            if action == "submit":
                review.submit(tbl, who=who)
            elif action == "withdraw":
                review.withdraw(tbl, who=who)
            elif action == "approve":
                review.approve(tbl, who=who)
            elif action == "return":
                review.send_back(tbl, args.reason, who=who)
            else:
                review.comment(tbl, args.text, who=who, row=args.row, col=args.col)
        except ReviewError as exc:
            raise CliError(str(exc)) from exc
        name = review.table_name(tbl)
        if action == "comment":
            print(tr("已在{name}写批注（{who}）。", name=name, who=who))
        else:
            print(f"{name}：{review.state(tbl).state.label}（{who}）")
            if action == "approve":
                sig = review.verify().tables[tbl]
                print(tr("已用 {who} 的密钥签章，指纹 {fingerprint}。", who=who, fingerprint=sig.fingerprint))
    finally:
        session.close()
    return EXIT_OK


def cmd_review(args: argparse.Namespace) -> int:
    words: list[str] = list(args.words)
    if not words:
        raise CliError(tr("请给出文件。用法：\n{usage}", usage=tr(USAGE)))
    if words[0] in ACTIONS:
        return cmd_action(words[0], words[1:])
    return cmd_list(words)


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("review", help=tr("审核：列出各表审核状态、封签与签章是否可信和批注；或提交、撤回、审核通过、退回、写批注"),
                       usage=tr(USAGE), formatter_class=ChineseRawDescriptionHelpFormatter,
                       description=tr("不带动作时列出并核验（签章无效、未知或改变的密钥、修改记录链断裂、无记录的改动时退出码为 1）；\n"
                                   "submit 提交审核，withdraw 撤回提交，approve 审核通过（用本人密钥签章），"
                                   "return 退回（--reason 原因），comment 写批注。\n"
                                   "操作人取环境变量 GONGKAI_USER（否则为登录名）。"))
    p.add_argument("words", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_review)

