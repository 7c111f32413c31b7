"""``gongkai --help`` and usage errors speak Chinese, for the top level and every subcommand."""

from __future__ import annotations

import pytest

from desktop.cli import build_parser, main

ENGLISH = ("usage:", "positional arguments", "options:", "optional arguments", "show this help",
           "error:", "required:", "invalid choice", "unrecognized arguments")


def subcommands():
    parser = build_parser()
    action = next(a for a in parser._actions if a.dest == "command")  # noqa: SLF001
    return sorted(action.choices)


@pytest.mark.parametrize("argv", [[]] + [[name] for name in subcommands()])
def test_every_help_is_chinese(argv, capsys):
    assert main([*argv, "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("用法：gongkai")
    assert "显示本帮助并退出" in out
    assert not [w for w in ENGLISH if w in out], out


@pytest.mark.parametrize("argv, expected", [
    (["export"], "缺少必需的参数：文档、-o/--output"),
    (["sets", "--zz"], "不认识的参数：--zz"),
    (["bogus"], "不是可选值"),
    (["new", "x.gkb", "--set", "a", "--unit", "b", "--money-unit", "角"], "参数 --money-unit：'角' 不是可选值"),
    (["new", "x.gkb", "--set", "a", "--unit", "b", "--year", "二〇二二"], "不是整数"),
])
def test_usage_errors_are_chinese_and_exit_2(argv, expected, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("用法：gongkai") and "错误：" in err and expected in err
    assert not [w for w in ENGLISH if w in err], err


def test_the_argparse_module_itself_is_untouched():
    import argparse

    parser = argparse.ArgumentParser(prog="x")
    assert "usage:" in parser.format_help() and "show this help message" in parser.format_help()


@pytest.mark.parametrize("name", subcommands())
def test_a_subcommand_parsed_alone_reads_as_the_whole_parser_would(name):
    """`gongkai NAME …` builds only NAME's parser: its help and its defaults are the whole parser's."""
    whole, alone = build_parser(), build_parser(only=name)
    helps = []
    for parser in (whole, alone):
        action = next(a for a in parser._actions if a.dest == "command")  # noqa: SLF001
        helps.append(action.choices[name].format_help())
    assert helps[0] == helps[1]
    chosen = next(a for a in alone._actions if a.dest == "command").choices  # noqa: SLF001
    assert list(chosen) == [name]  # and nothing else was built


def test_no_subcommand_builds_none_and_opens_the_window():
    from desktop.cli import _parse, cmd_gui

    assert not next(a for a in build_parser(only="")._actions if a.dest == "command").choices  # noqa: SLF001
    assert getattr(_parse([]), "func", cmd_gui) is cmd_gui
