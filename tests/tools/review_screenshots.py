"""Screenshots of review and hand-over on the demo document (from the project root):

    PYTHONPATH=tests QT_QPA_PLATFORM=offscreen .venv/bin/python -m tools.review_screenshots [FOLDER]

09: a reviewer (李科长) has the clerk's (张会计) file open in 审阅 mode with 批注 threads and table states;
11: the signed 公开03表 printed to PDF (page 1 converted with pdftoppm), state and signer in the footer;
12_approve: the confirmation before 审核通过, listing what the signature covers;
10 and 13: a copy whose figure and change log were altered with sqlite3 after the approval: the seal bar
    and the 核验审核签章 window name each problem.
Keys are made in a scratch profile folder (GONGKAI_PROFILE), never the user's own.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

from desktop.core.demo import build_demo
from desktop.core.session import Session
from desktop.gui import signoff_dialogs

from .screenshots import _settle, start

CELL = ("zhichu", "2101501", "jb")


def _prepare(path: Path) -> None:
    """The clerk's side: tables sent for review, a comment thread answered, one table signed."""
    s = Session.open(path, who="张会计")
    try:
        for key in ("shouzhi_zongbiao", "shouru", "zhichu", "czbk_zongbiao"):
            s.review.submit(key, who="张会计")
        s.review.approve("shouzhi_zongbiao", who="李科长")
        s.review.send_back("shouru", "事业收入与上年差异较大，请附说明", who="李科长")
        tid = s.review.comment("zhichu", "事业运行比上年增加 12%，请说明原因", who="李科长", row="2101550", col="jb")
        s.review.reply(tid, "新增聘用人员 3 名，人员经费相应增加", who="张会计")
        s.review.comment("zhichu", "2101506 医疗保障经办事务为何没有基本支出？", who="李科长", row="2101506")
    finally:
        s.close()


def main(argv: list[str]) -> int:
    from desktop.gui import settings as app_settings

    out, work, qapp, app = start(argv, "gongkai-review-shots-")
    os.environ["GONGKAI_PROFILE"] = str(work / "profile")

    def confirm_and_shoot(parent, name, lines):  # the confirmation as the reviewer sees it, then 审核通过
        dialog = signoff_dialogs.ApprovalDialog(name, lines, parent)
        dialog.show()
        _settle(qapp)
        dialog.grab().save(str(out / "12_approve_confirmation.png"))
        dialog.close()
        return True

    signoff_dialogs.ask_approval = confirm_and_shoot
    path = build_demo(work / "柳林县医疗保障局-2022.gkb", who="张会计")
    _prepare(path)
    app_settings.set_user_name("李科长")
    window = app.open_path(path, mode="review")
    assert window is not None
    window.resize(1560, 960)
    window.show()
    view = window.show_table("zhichu")
    view.body.setCurrentIndex(view.model.index_of(CELL))
    window.review_ui.panel.add_comment("zhichu", "行政运行比上年少 5.6 万元，与人员减少是否一致？", *CELL[1:])
    window.review_ui.change_state("approve")
    _settle(qapp)
    window.review_ui.panel.select_thread(window.session.review.threads()[0].id)
    _settle(qapp)
    window.grab().save(str(out / "09_review_mode_comments.png"))
    pdf = window.review_ui.print_table(str(work / "公开03表.pdf"))
    if shutil.which("pdftoppm") and pdf:  # the signed table as printed: state and signer in the footer
        subprocess.run(["pdftoppm", "-r", "80", "-png", "-singlefile", pdf, str(out / "11_print_signed_table")],
                       check=True)
    window.close()

    # after the approval, someone changes a figure and rewrites a log row with a SQLite tool
    conn = sqlite3.connect(path)
    conn.execute("UPDATE cell SET num = num - 5600 WHERE tbl = ? AND row = ? AND col = ?", CELL)
    conn.execute("UPDATE change_log SET who = '王出纳' WHERE id = 3")
    conn.commit()
    conn.close()
    app_settings.set_user_name("李科长")
    window = app.open_path(path, mode="review")
    assert window is not None
    window.resize(1560, 960)
    window.show()
    window.show_table("zhichu")
    _settle(qapp)
    window.grab().save(str(out / "10_broken_seal.png"))
    dialog = window.review_ui.show_verification()
    assert dialog is not None
    dialog.resize(900, 420)
    _settle(qapp)
    dialog.grab().save(str(out / "13_verification.png"))
    dialog.close()
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
