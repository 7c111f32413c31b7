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

from .core.i18n import N_, tr

USAGE = N_("用法：")
HELP = N_("显示本帮助并退出")
VERSION = N_("显示版本号并退出")

# English dest → the Chinese word shown as its placeholder (-o 路径, file → 文档)
METAVARS = {
    "file": N_("文档"), "output": N_("路径"), "dump": N_("JSON文件"), "workbook": N_("工作簿"),
    "set": N_("模板编号"), "unit": N_("单位名称"), "year": N_("年度"), "table": N_("表键"), "row": N_("行键"),
    "col": N_("栏键"), "value": N_("金额"), "export": N_("工作簿"), "import_xlsx": N_("工作簿"),
    "old": N_("原文档"), "new": N_("新文档"), "money_unit": N_("金额单位"),
}

# argparse's error messages (Python 3.9–3.13) → Chinese; the named groups fill the placeholders as they are
ERRORS = [
    (r"the following arguments are required: (?P<names>.*)", N_("缺少必需的参数：{names}")),
    (r"unrecognized arguments: (?P<args>.*)", N_("不认识的参数：{args}")),
    (r"argument (?P<arg>.*?): invalid choice: (?P<value>.*) \(choose from (?P<choices>.*)\)",
     N_("参数 {arg}：{value} 不是可选值（可选：{choices}）")),
    (r"invalid choice: (?P<value>.*) \(choose from (?P<choices>.*)\)", N_("{value} 不是可选值（可选：{choices}）")),
    (r"argument (?P<arg>.*?): invalid int value: (?P<value>.*)", N_("参数 {arg}：{value} 不是整数")),
    (r"argument (?P<arg>.*?): invalid (?P<kind>.*) value: (?P<value>.*)", N_("参数 {arg}：{value} 不是有效的{kind}值")),
    (r"argument (?P<arg>.*?): expected one argument", N_("参数 {arg}：后面需要一个值")),
    (r"argument (?P<arg>.*?): expected at most one argument", N_("参数 {arg}：后面最多一个值")),
    (r"argument (?P<arg>.*?): expected at least one argument", N_("参数 {arg}：后面至少需要一个值")),
    (r"argument (?P<arg>.*?): expected (?P<count>\d+) arguments?", N_("参数 {arg}：后面需要 {count} 个值")),
    (r"argument (?P<arg>.*?): not allowed with argument (?P<other>.*)", N_("参数 {arg} 不能与 {other} 同时使用")),
    (r"argument (?P<arg>.*?): ignored explicit argument (?P<value>.*)", N_("参数 {arg}：多余的值 {value}")),
    (r"one of the arguments (?P<names>.*) is required", N_("以下参数必须给出一个：{names}")),
    (r"ambiguous option: (?P<option>.*) could match (?P<matches>.*)", N_("选项 {option} 不明确，可能是：{matches}")),
    (r"argument (?P<arg>.*?): (?P<problem>.*)", N_("参数 {arg}：{problem}")),
]


def _names(text: str) -> str:
    """``file, -o/--output`` → ``文档、-o/--output``."""
    return "、".join(_metavar(name.strip(), name.strip()) for name in text.split(","))


def _metavar(dest: str, default: str) -> str:
    """The placeholder shown for ``dest`` (文档, 路径 …), in the selected language."""
    return tr(METAVARS[dest]) if dest in METAVARS else default


def translate_error(message: str) -> str:
    """One argparse error message in Chinese (an unknown one unchanged)."""
    for pattern, chinese in ERRORS:
        m = re.fullmatch(pattern, message, flags=re.DOTALL)
        if m:
            fields = m.groupdict()
            if "names" in fields:
                fields["names"] = _names(fields["names"])
            return tr(chinese, **fields)
    return message


class ChineseHelpFormatter(argparse.HelpFormatter):
    """用法： instead of usage:, Chinese placeholders for the English dest names."""

    def add_usage(self, usage, actions, groups, prefix=None) -> None:  # noqa: ANN001
        super().add_usage(usage, actions, groups, tr(USAGE) if prefix is None else prefix)

    def _get_default_metavar_for_optional(self, action: argparse.Action) -> str:
        return _metavar(action.dest, action.dest.upper())

    def _get_default_metavar_for_positional(self, action: argparse.Action) -> str:
        return _metavar(action.dest, action.dest)


class ChineseRawDescriptionHelpFormatter(argparse.RawDescriptionHelpFormatter, ChineseHelpFormatter):
    """The same, with the description printed as written (line breaks kept)."""


class ChineseArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser whose help, usage and errors are Chinese; sub-parsers are made of the same class."""

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        kwargs.setdefault("formatter_class", ChineseHelpFormatter)
        super().__init__(*args, **kwargs)
        self._positionals.title = tr("参数")
        self._optionals.title = tr("选项")
        for action in self._actions:
            if isinstance(action, argparse._HelpAction):  # noqa: SLF001 - the -h argparse adds itself
                action.help = tr(HELP)

    def add_argument(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        if kwargs.get("action") == "version":
            kwargs.setdefault("help", tr(VERSION))
        return super().add_argument(*args, **kwargs)

    def format_help(self) -> str:
        """argparse ends each section title with an ASCII colon; a Chinese title takes a full-width one."""
        text = super().format_help()
        for title in (tr("参数"), tr("选项")):
            text = text.replace(f"\n{title}:\n", f"\n{title}：\n")
        return text

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, tr("{prog}：错误：{message}", prog=self.prog, message=translate_error(message)) + "\n")
