"""Save screenshots of the 绩效 form view on the seed forms (see README).

    PYTHONPATH=tests QT_QPA_PLATFORM=offscreen .venv/bin/python -m tools.screenshots_jixiao [FOLDER]

Shape A is the first form of ../shared/seeds/001_*.json (a 转移支付 自评表 with its real errors); shape G the
first 项目绩效目标表 of ../shared/seeds/004_*.json (the 预算 set).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from . import ROOT
from .screenshots import _settle, start

SEEDS = ROOT.parent / "shared" / "seeds"
SHOTS = (("001_", "05_jixiao_shape_a.png", "06_jixiao_shape_a_indicators.png"),
         ("004_", "07_jixiao_shape_g.png", "08_jixiao_shape_g_indicators.png"))


def seed_document(prefix: str, work: Path) -> Path:
    """A document built from a seed's tables and forms, as ``gongkai import`` would."""
    from desktop.core.formats.dump import load_dump
    from desktop.core.formats.published import convert_published
    from desktop.core.jixiao.seeds import convert_forms, load_forms

    seed = next(SEEDS.glob(f"{prefix}*.json"))
    data = json.loads(seed.read_text(encoding="utf-8"))
    path = work / f"{seed.stem}.gkb"
    doc = load_dump(convert_published(data, None).dump, path, who="示例")
    load_forms(doc, convert_forms(data), who="示例")
    doc.close()
    return path


def main(argv: list[str]) -> int:
    out, work, qapp, app = start(argv, "gongkai-shots-")
    for prefix, top_name, indicators_name in SHOTS:
        window = app.open_path(seed_document(prefix, work), mode="edit")
        assert window is not None
        window.resize(1500, 940)
        window.show()
        _settle(qapp)
        key = window.controller.form_keys()[0]
        view = window.show_form(key)
        _settle(qapp)
        window.grab().save(str(out / top_name))
        # the 总分 row with its finding (shape A prints 82 for 82 + 7), else the indicator table's top
        found = [f for f in window.controller.findings if f.table == key and f.rule_id == "jixiao.total_score"]
        if found:
            view.select_finding(found[0])
        else:
            view.scroll.ensureWidgetVisible(view.indicators, 0, 0)
            view.scroll.verticalScrollBar().setValue(view.indicators.parentWidget().y() - 10)
        _settle(qapp)
        window.grab().save(str(out / indicators_name))
        window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
