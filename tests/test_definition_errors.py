"""Template sets built on other sets, and every coded definition error (GK1xx) with its file and line.

Each test writes tiny YAML files to a temporary templates folder: a base set ``base`` with one table and
one rule, and a set ``derived`` that extends it with the patch under test.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from desktop.core.definitions import DefinitionError, load_set
from desktop.core.definitions import cache as set_cache
from desktop.core.definitions.errors import CODES

TABLE = """\
key: t1
label: 表1
title: 表一
blocks:
- key: main
  columns:
  - {key: label, kind: label, header: [收入, 项目]}
  - {key: hangci, kind: rowno, header: [收入, 行次]}
  - {key: amount, kind: amount, header: [收入, 金额]}
  rows:
  - {key: r1, hangci: '1', label: 一}
  - {key: r2, hangci: '2', label: 二}
  - {key: r3, hangci: '3', label: 三}
  - {key: total, hangci: '4', label: 合计}
- key: side
  columns:
  - {key: label, kind: label, header: [支出, 项目]}
  - {key: amount, kind: amount, header: [支出, 金额]}
  rows:
  - {key: s1, label: 甲}
"""
BASE_SET = """\
id: base
name: 基础
kind: 决算
year: 2022
region: 测试
tables:
  - file: tables/t1.yaml
  - file: tables/t2.yaml
rule_files: [rules.yaml]
"""
T2 = "key: t2\ntitle: 表二\nblocks:\n- key: main\n  columns:\n  - {key: amount, kind: amount, header: [金额]}\n"
RULES = """\
rules:
  - id: total_sum
    name: 合计等于各项之和
    left: t1.total.amount
    right: t1.r1.amount + t1.r2.amount + t1.r3.amount
"""
DERIVED_HEAD = "extends: base\nid: derived\nname: 派生\n"


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    write(tmp_path, {"base/set.yaml": BASE_SET, "base/tables/t1.yaml": TABLE, "base/tables/t2.yaml": T2,
                     "base/rules.yaml": RULES})
    return tmp_path


def derived(root: Path, patch: str, extra: dict[str, str] | None = None):
    write(root, {"derived/set.yaml": DERIVED_HEAD + textwrap.dedent(patch), **(extra or {})})
    return load_set(root / "derived")


def error(root: Path, folder: str = "derived") -> DefinitionError:
    with pytest.raises(DefinitionError) as info:
        load_set(root / folder)
    return info.value


def line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)


# -- what patches do ------------------------------------------------------------------------------
def test_derived_set_inherits_everything_it_does_not_patch(root):
    tset = derived(root, "year: 2024\n")
    assert tset.id == "derived" and tset.info.year == 2024 and tset.info.region == "测试"
    assert [t.key for t in tset.tables] == ["t1", "t2"] and [r.id for r in tset.rules] == ["total_sum"]
    assert tset.table("t1") == load_set(root / "base").table("t1")


def test_patches_of_rows_columns_headers_tables_and_rules(root):
    tset = derived(root, """\
        patch:
          - table: t1
            patch:
              - rename_header: {金额: 决算数}
              - {row: 'r2..total', shift_hangci: 1}
              - {row: r1, after: {key: r1a, hangci: '2', label: 一之一}}
              - {row: r3, move_before: r1}
              - {row: s1, remove: true}
              - {column: amount, in: main, set: {aliases: [金额]}}
              - {column: hangci, remove: true}
              - {block: side, add_rows: [{key: s9, label: 新}]}
          - {table: t2, set: {label: 表0}, move_before: t1}
          - {rule: total_sum, set: {right: t1.r1.amount + t1.r1a.amount + t1.r2.amount + t1.r3.amount}}
        """)
    t1 = tset.table("t1")
    assert [t.key for t in tset.tables] == ["t2", "t1"] and tset.table("t2").label == "表0"
    main = t1.block("main")
    assert [(r.key, r.hangci) for r in main.rows] == [("r3", "4"), ("r1", "1"), ("r1a", "2"), ("r2", "3"),
                                                      ("total", "5")]
    assert [c.key for c in main.columns] == ["label", "amount"] and main.column("amount").aliases == ["金额"]
    assert main.column("amount").header == ["收入", "决算数"]
    assert t1.block("side").column("amount").header == ["支出", "决算数"]
    assert [r.key for r in t1.block("side").rows] == ["s9"]
    assert "t1.r1a.amount" in tset.rules[0].right
    assert load_set(root / "base").table("t1").block("main").column("hangci") is not None  # base untouched


def test_table_file_extends_another_table_file(root):
    extra = {"derived/tables/t1.yaml": """\
        extends: ../../base/tables/t1.yaml
        patch:
          - set: {title: 表一（新）}
          - {row: r3, replace: [{key: r3a, label: 三甲}, {key: r3b, label: 三乙}]}
        """}
    tset = derived(root, """\
        patch:
          - {table: t1, use: tables/t1.yaml}
          - {rule: total_sum, set: {right: t1.r1.amount + t1.r2.amount + t1.r3a.amount + t1.r3b.amount}}
        """, extra)
    assert tset.table("t1").title == "表一（新）"
    assert [r.key for r in tset.table("t1").block("main").rows] == ["r1", "r2", "r3a", "r3b", "total"]


# -- one test per code ----------------------------------------------------------------------------
def test_gk100_bad_yaml_names_the_line(root):
    write(root, {"derived/set.yaml": DERIVED_HEAD + "patch:\n  - {table: t1\n"})
    exc = error(root)
    assert exc.code == "GK100" and exc.file.endswith("set.yaml") and exc.line is not None
    assert "YAML 格式错误" in str(exc) and str(exc).startswith("GK100 ")


def test_gk101_unknown_key_in_a_table_file_names_its_line(root):
    path = root / "base/tables/t1.yaml"
    path.write_text(TABLE.replace("  - {key: r2, hangci: '2', label: 二}", "  - {key: r2, hangci: '2', lable: 二}"),
                    encoding="utf-8")
    exc = error(root, "base")
    assert (exc.code, exc.file, exc.line) == ("GK101", str(path), line_of(path, "lable"))


def test_gk101_unknown_key_in_a_patch_entry(root):
    write(root, {"derived/set.yaml": DERIVED_HEAD + "patch:\n  - table: t1\n    patch:\n      - {row: r1, sett: {label: x}}\n"})
    exc = error(root)
    assert exc.code == "GK101" and exc.line == 7 and "sett" in exc.problem


def test_gk102_missing_table_file_and_missing_base_set(root):
    write(root, {"derived/set.yaml": DERIVED_HEAD + "patch:\n  - {table: t1, use: tables/nope.yaml}\n"})
    exc = error(root)
    assert exc.code == "GK102" and exc.file.endswith("nope.yaml")
    write(root, {"derived/set.yaml": DERIVED_HEAD.replace("extends: base", "extends: nobase")})
    exc = error(root)
    assert exc.code == "GK102" and exc.line == 1 and "nobase" in exc.problem


def test_gk103_duplicate_table_key_names_the_second_listing(root):
    path = root / "base/set.yaml"
    path.write_text(BASE_SET.replace("  - file: tables/t2.yaml", "  - file: tables/t1.yaml"), encoding="utf-8")
    exc = error(root, "base")
    assert (exc.code, exc.file, exc.line) == ("GK103", str(path), 8)


def test_gk104_set_extends_cycle_names_the_chain(root):
    write(root, {"a/set.yaml": "extends: b\nid: a\n", "b/set.yaml": "extends: a\nid: b\n"})
    exc = error(root, "a")
    assert exc.code == "GK104" and "a/set.yaml → b/set.yaml → a/set.yaml" in exc.problem


def test_gk118_set_id_must_be_its_folder_name(root):
    """A received file names its set by id, looked up among the folder names: the two must agree."""
    write(root, {"other/set.yaml": BASE_SET.replace("id: base", "id: elsewhere"),
                 "other/tables/t1.yaml": TABLE, "other/tables/t2.yaml": T2, "other/rules.yaml": RULES})
    exc = error(root, "other")
    assert (exc.code, exc.line) == ("GK118", 1) and "elsewhere" in exc.problem and "other" in exc.problem


def test_gk104_table_file_extending_itself(root):
    extra = {"derived/tables/t1.yaml": "extends: t1.yaml\npatch: []\n"}
    write(root, {"derived/set.yaml": DERIVED_HEAD + "patch:\n  - {table: t1, use: tables/t1.yaml}\n", **extra})
    exc = error(root)
    assert exc.code == "GK104" and exc.line == 1
    assert "derived/tables/t1.yaml → derived/tables/t1.yaml" in exc.problem


@pytest.mark.parametrize(("patch", "code", "word"), [
    ("{table: t1, patch: [{row: r9, set: {label: x}}]}", "GK105", "r9"),
    ("{table: t1, patch: [{row: 'r2..r1', remove: true}]}", "GK105", "r2..r1"),
    ("{table: t1, patch: [{column: nope, remove: true}]}", "GK106", "nope"),
    ("{table: t1, patch: [{column: amount, in: nob, remove: true}]}", "GK107", "nob"),
    ("{table: t1, patch: [{block: nob, remove: true}]}", "GK107", "nob"),
    ("{table: t9, set: {label: x}}", "GK108", "t9"),
    ("{rule: no_rule, remove: true}", "GK109", "no_rule"),
    ("{table: t1, patch: [{row: r1}]}", "GK114", "要做什么"),
    ("{table: t1, patch: [{row: r1, remove: true, set: {label: x}}]}", "GK114", "remove"),
    ("{table: t1, patch: [{row: r1, set: {key: r1x}}]}", "GK115", "key"),
    ("{rule: total_sum, set: {id: other}}", "GK115", "id"),
    ("{table: t1, patch: [{row: r1, after: {key: r2, label: 重}}]}", "GK116", "r2"),
    ("{table: t1, patch: [{rename_header: {不存在: x}}]}", "GK117", "不存在"),
])
def test_patch_mistakes_have_their_code_and_the_patch_line(root, patch, code, word):
    write(root, {"derived/set.yaml": DERIVED_HEAD + "patch:\n  - " + patch + "\n"})
    exc = error(root)
    assert (exc.code, exc.file, exc.line) == (code, str(root / "derived/set.yaml"), 5), str(exc)
    assert word in exc.problem


def test_gk110_bad_value_names_the_line(root):
    path = root / "base/tables/t1.yaml"
    path.write_text(TABLE.replace("{key: amount, kind: amount, header: [收入, 金额]}",
                                  "{key: amount, kind: money, header: [收入, 金额]}"), encoding="utf-8")
    exc = error(root, "base")
    assert (exc.code, exc.line) == ("GK110", line_of(path, "kind: money"))


def test_gk110_value_set_by_a_patch_names_the_patch_line(root):
    write(root, {"derived/set.yaml": DERIVED_HEAD + "patch:\n  - table: t1\n    patch:\n"
                 "      - {row: r1, set: {indent: deep}}\n"})
    exc = error(root)
    assert (exc.code, exc.file, exc.line) == ("GK110", str(root / "derived/set.yaml"), 7)


def test_gk111_missing_required_field(root):
    path = root / "base/tables/t2.yaml"
    path.write_text(T2.replace("title: 表二\n", ""), encoding="utf-8")
    exc = error(root, "base")
    assert exc.code == "GK111" and exc.file == str(path)
    write(root, {"derived/set.yaml": "extends: base\nname: 无 id\n"})
    assert error(root).code == "GK111"


def test_gk112_duplicate_rule_id(root):
    write(root, {"derived/set.yaml": DERIVED_HEAD + "rule_files: [more.yaml]\n",
                 "derived/more.yaml": RULES})
    exc = error(root)
    assert (exc.code, exc.file, exc.line) == ("GK112", str(root / "derived/more.yaml"), 2)


def test_gk113_file_outside_the_templates_folder(root):
    write(root, {"derived/set.yaml": DERIVED_HEAD + "patch:\n  - {table: t1, use: ../../outside.yaml}\n"})
    exc = error(root)
    assert exc.code == "GK113" and exc.line == 5


def test_gk120_rule_naming_a_missing_row_names_the_rule_line(root):
    write(root, {"derived/set.yaml": DERIVED_HEAD + "patch:\n  - {table: t1, patch: [{row: r3, remove: true}]}\n"})
    exc = error(root)
    assert (exc.code, exc.file, exc.line) == ("GK120", str(root / "base/rules.yaml"), 2)
    assert "r3" in exc.problem


def test_tables_list_in_a_derived_set_is_refused(root):
    write(root, {"derived/set.yaml": DERIVED_HEAD + "tables: [{file: ../base/tables/t1.yaml}]\n"})
    exc = error(root)
    assert exc.code == "GK101" and exc.line == 4 and "patch" in exc.problem


def test_every_code_is_tested_here():
    source = Path(__file__).read_text(encoding="utf-8")
    untested = [c for c in CODES if c != "GK199" and f'"{c}"' not in source]
    assert not untested


# -- the set cache --------------------------------------------------------------------------------
def test_editing_a_base_set_invalidates_the_cached_derived_set(root, monkeypatch, tmp_path_factory):
    monkeypatch.delenv("GONGKAI_NO_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.setattr("sys.platform", "linux")
    tset = derived(root, "year: 2024\n")
    before = set_cache.templates_fingerprint(root)
    set_cache.write(tset.folder, before, tset)
    assert set_cache.read(tset.folder, before) is not None
    base_table = root / "base/tables/t1.yaml"
    base_table.write_text(TABLE.replace("label: 一}", "label: 第一}"), encoding="utf-8")
    after = set_cache.templates_fingerprint(root)
    assert after != before and set_cache.read(tset.folder, after) is None
    assert load_set(root / "derived").fixed_row("t1", "r1").label == "第一"
