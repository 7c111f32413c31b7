"""``gongkai --help`` and usage errors in Chinese.

argparse writes its own words (usage:, positional arguments:, options:, show this help message and exit,
the following arguments are required …) through gettext, in English. Replacing gettext for the whole process
would change every other program's argparse (pytest's too), so this parser class puts Chinese words in its own
help and translates its own error messages, and leaves the argparse module alone.
"""

from __future__ import annotations

import argparse
import re
import sys
from typing import NoReturn

USAGE = "用法："
HELP = "显示本帮助并退出"
VERSION = "显示版本号并退出"

# English dest → the Chinese word shown as its placeholder (-o 路径, file → 文档)
METAVARS = {"file": "文档", "output": "路径", "dump": "JSON文件", "workbook": "工作簿", "set": "模板编号",
            "unit": "单位名称", "year": "年度", "table": "表键", "row": "行键", "col": "栏键", "value": "金额",
            "export": "工作簿", "import_xlsx": "工作簿", "old": "原文档", "new": "新文档", "money_unit": "金额单位"}

# argparse's error messages (Python 3.9–3.13) → Chinese; %s parts are kept as they are
ERRORS = [
    (r"the following arguments are required: (.*)", "缺少必需的参数：{0}"),
    (r"unrecognized arguments: (.*)", "不认识的参数：{0}"),
    (r"argument (.*?): invalid choice: (.*) \(choose from (.*)\)", "参数 {0}：{1} 不是可选值（可选：{2}）"),
    (r"invalid choice: (.*) \(choose from (.*)\)", "{0} 不是可选值（可选：{1}）"),
    (r"argument (.*?): invalid int value: (.*)", "参数 {0}：{1} 不是整数"),
    (r"argument (.*?): invalid (.*) value: (.*)", "参数 {0}：{2} 不是有效的{1}值"),
    (r"argument (.*?): expected one argument", "参数 {0}：后面需要一个值"),
    (r"argument (.*?): expected at most one argument", "参数 {0}：后面最多一个值"),
    (r"argument (.*?): expected at least one argument", "参数 {0}：后面至少需要一个值"),
    (r"argument (.*?): expected (\d+) arguments?", "参数 {0}：后面需要 {1} 个值"),
    (r"argument (.*?): not allowed with argument (.*)", "参数 {0} 不能与 {1} 同时使用"),
    (r"argument (.*?): ignored explicit argument (.*)", "参数 {0}：多余的值 {1}"),
    (r"one of the arguments (.*) is required", "以下参数必须给出一个：{0}"),
    (r"ambiguous option: (.*) could match (.*)", "选项 {0} 不明确，可能是：{1}"),
    (r"argument (.*?): (.*)", "参数 {0}：{1}"),
]


def _names(text: str) -> str:
    """``file, -o/--output`` → ``文档、-o/--output``."""
    return "、".join(METAVARS.get(name.strip(), name.strip()) for name in text.split(","))


def translate_error(message: str) -> str:
    """One argparse error message in Chinese (an unknown one unchanged)."""
    for pattern, chinese in ERRORS:
        m = re.fullmatch(pattern, message, flags=re.DOTALL)
        if m:
            groups = [_names(g) if n == 0 and "required" in pattern else g for n, g in enumerate(m.groups())]
            return chinese.format(*groups)
    return message


class ChineseHelpFormatter(argparse.HelpFormatter):
    """用法： instead of usage:, Chinese placeholders for the English dest names."""

    def add_usage(self, usage, actions, groups, prefix=None) -> None:  # noqa: ANN001
        super().add_usage(usage, actions, groups, USAGE if prefix is None else prefix)

    def _get_default_metavar_for_optional(self, action: argparse.Action) -> str:
        return METAVARS.get(action.dest, action.dest.upper())

    def _get_default_metavar_for_positional(self, action: argparse.Action) -> str:
        return METAVARS.get(action.dest, action.dest)


class ChineseRawDescriptionHelpFormatter(argparse.RawDescriptionHelpFormatter, ChineseHelpFormatter):
    """The same, with the description printed as written (line breaks kept)."""


class ChineseArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser whose help, usage and errors are Chinese; sub-parsers are made of the same class."""

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        kwargs.setdefault("formatter_class", ChineseHelpFormatter)
        super().__init__(*args, **kwargs)
        self._positionals.title = "参数"
        self._optionals.title = "选项"
        for action in self._actions:
            if isinstance(action, argparse._HelpAction):  # noqa: SLF001 - the -h argparse adds itself
                action.help = HELP

    def add_argument(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        if kwargs.get("action") == "version":
            kwargs.setdefault("help", VERSION)
        return super().add_argument(*args, **kwargs)

    def format_help(self) -> str:
        """argparse ends each section title with an ASCII colon; a Chinese title takes a full-width one."""
        text = super().format_help()
        for title in ("参数", "选项"):
            text = text.replace(f"\n{title}:\n", f"\n{title}：\n")
        return text

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}：错误：{translate_error(message)}\n")
