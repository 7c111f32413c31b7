"""``gongkai narrative draft|check|import|export|prior``: its parsers. The work is in :mod:`.narrative_run`,
imported only when one of these subcommands runs (every other command starts without the narrative,
docx and session modules)."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from ..core.i18n import tr
from . import EXIT_BAD


def _later(name: str) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        from . import narrative_run

        return getattr(narrative_run, name)(args)
    return run


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``gongkai narrative`` and its subcommands."""
    parser = sub.add_parser("narrative", help=tr("情况说明（第三部分）：按表格生成草稿、核对文字、导入文本、导出公开文本、上年数"))
    inner = parser.add_subparsers(dest="narrative_command", metavar=tr("操作"))
    parser.set_defaults(func=lambda args: (parser.print_help(), EXIT_BAD)[1])

    p = inner.add_parser("draft", help=tr("按表格数字生成情况说明草稿（默认显示；--save 存入文件）"))
    p.add_argument("file")
    p.add_argument("--save", action="store_true", help=tr("把草稿存入文件（文件中没有情况说明时）"))
    p.add_argument("--replace", action="store_true", help=tr("与 --save 同用：用草稿替换已有的情况说明"))
    p.set_defaults(func=_later("cmd_draft"))

    p = inner.add_parser("check", help=tr("核对情况说明中的数字与表格是否一致"))
    p.add_argument("file")
    p.add_argument("--text", help=tr("核对这个 .txt/.docx 文本（不存入文件），默认核对文件中的情况说明"))
    p.add_argument("--json", action="store_true", help=tr("以 JSON 输出"))
    p.set_defaults(func=_later("cmd_check"))

    p = inner.add_parser("import", help=tr("从公开文本（.txt/.docx）导入第三部分情况说明（及第一、第四部分）"))
    p.add_argument("file")
    p.add_argument("text", help=tr("公开文本文件（.txt 或 .docx）"))
    p.set_defaults(func=_later("cmd_import"))

    p = inner.add_parser("export", help=tr("导出整份公开文本（.docx：封面、目录、第一至第五部分），可另生成 PDF"))
    p.add_argument("file")
    p.add_argument("-o", "--output", required=True, help=tr(".docx 文件路径"))
    p.add_argument("--pdf", help=tr("另由 LibreOffice 生成 PDF 到此路径（未安装时只导出 .docx）"))
    p.set_defaults(func=_later("cmd_export"))

    p = inner.add_parser("prior", help=tr("上年数：显示、从上年文件复制（--link）或手工填写（--set 项目=金额）"))
    p.add_argument("file")
    p.add_argument("--link", help=tr("上年同一单位的文件（.gkb），从中复制上年数"))
    p.add_argument("--set", action="append", help=tr("手工填写一项上年数，如 in_zj=34412192.36（金额留空则删除）"))
    p.add_argument("--json", action="store_true", help=tr("以 JSON 输出"))
    p.set_defaults(func=_later("cmd_prior"))
