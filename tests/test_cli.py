"""The gongkai command as a clerk or a script uses it: exit codes, JSON, dump/load round trips."""

from __future__ import annotations

import json
import sqlite3

from conftest import seed_path

from desktop.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_load_then_check_json_reports_the_real_errors_with_exit_1(tmp_path, capsys):
    doc = tmp_path / "000.gkb"
    code, out, _ = run(capsys, "load", str(seed_path("000_add86a24b3a51088")), "-o", str(doc))
    assert code == 0 and "shanxi_2022_juesuan" in out
    code, out, _ = run(capsys, "check", str(doc), "--json")
    assert code == 1
    report = json.loads(out)
    assert report["summary"] == {"error": 2, "warning": 0, "rounding": 0}
    first = report["findings"][0]
    assert set(first) >= {"rule", "severity", "message", "table_title", "cells", "left", "right", "difference"}
    assert first["severity"] == "error" and first["difference"] == "-266.15"


def test_check_of_a_consistent_document_exits_0(tmp_path, capsys):
    doc = tmp_path / "001.gkb"
    assert run(capsys, "load", str(seed_path("001_0f45429440d9ca6e")), "-o", str(doc))[0] == 0
    code, out, _ = run(capsys, "check", str(doc))
    assert code == 0 and "错误 0 条" in out


def test_dump_load_dump_is_exact(tmp_path, capsys):
    first = tmp_path / "a.gkb"
    run(capsys, "load", str(seed_path("001_0f45429440d9ca6e")), "-o", str(first))
    run(capsys, "dump", str(first), "-o", str(tmp_path / "a.json"))
    run(capsys, "load", str(tmp_path / "a.json"), "-o", str(tmp_path / "b.gkb"))
    run(capsys, "dump", str(tmp_path / "b.gkb"), "-o", str(tmp_path / "b.json"))
    a = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    b = json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))
    assert a == b
    assert a["tables"]["shouzhi_zongbiao"]["values"]["in_bnhj"] == {"amount": "38460895.08"}
    assert ["2101201", "财政对职工基本医疗保险基金的补助"] in a["tables"]["zhichu"]["floating_rows"]


def test_new_set_and_check(tmp_path, capsys):
    doc = tmp_path / "n.gkb"
    assert run(capsys, "new", str(doc), "--set", "shanxi_2022_juesuan", "--unit", "测试单位")[0] == 0
    assert run(capsys, "set", str(doc), "shouzhi_zongbiao", "in_ybgg", "amount", "1,000")[0] == 0
    code, out, _ = run(capsys, "dump", str(doc))
    values = json.loads(out)["tables"]["shouzhi_zongbiao"]["values"]
    assert values["in_bnhj"] == {"amount": "1000.00"} and values["in_zj"] == {"amount": "1000.00"}


def test_bad_value_via_cli_exits_2_in_chinese_and_leaves_the_file_alone(tmp_path, capsys):
    doc = tmp_path / "n.gkb"
    run(capsys, "new", str(doc), "--set", "shanxi_2022_juesuan", "--unit", "测试单位")
    before = doc.read_bytes()
    code, _, err = run(capsys, "set", str(doc), "shouzhi_zongbiao", "in_ybgg", "amount", "1,234.567")
    assert code == 2 and "两位小数" in err
    assert doc.read_bytes() == before


def test_bad_files_exit_2_with_a_chinese_reason(tmp_path, capsys):
    foreign = tmp_path / "other.gkb"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE t (x)")
    renamed = tmp_path / "notes.gkb"
    renamed.write_text("这是一段文字", encoding="utf-8")
    empty = tmp_path / "empty.gkb"
    empty.write_bytes(b"")
    for path, words in ((foreign, "其他程序"), (renamed, "无法识别"), (empty, "空的")):
        before = path.read_bytes()
        code, _, err = run(capsys, "check", str(path))
        assert code == 2 and words in err, err
        assert path.read_bytes() == before


def test_load_refuses_a_broken_dump_and_creates_nothing(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": "gongkai-dump", "format_version": 1, "set": "shanxi_2022_juesuan",
                               "tables": {"shouzhi_zongbiao": {"values": {"in_ybgg": {"amount": "abc"}}}}}),
                   encoding="utf-8")
    code, _, err = run(capsys, "load", str(bad), "-o", str(tmp_path / "x.gkb"))
    assert code == 2 and "不是数字" in err
    assert not (tmp_path / "x.gkb").exists()
    truncated = tmp_path / "t.json"
    truncated.write_text('{"format": "gongkai-dump", "tab', encoding="utf-8")
    code, _, err = run(capsys, "load", str(truncated), "-o", str(tmp_path / "y.gkb"))
    assert code == 2 and "JSON" in err and not (tmp_path / "y.gkb").exists()


def test_usage_errors_exit_2(capsys):
    assert run(capsys, "check")[0] == 2
    assert run(capsys, "new", "x.gkb", "--set", "no_such_set", "--unit", "u")[0] == 2


def test_demo_builds_and_checks_the_demo_document(tmp_path, capsys):
    code, out, _ = run(capsys, "demo", "--text", "-o", str(tmp_path / "demo.gkb"))
    assert code == 0 and "柳林县医疗保障局" in out and "错误 0 条" in out
