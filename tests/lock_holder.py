"""A second program holding a document, for tests/test_bad_files.py: prints ``holding``, waits for a line.

    python tests/lock_holder.py edit-lock DOC USER    # the application's edit lock (another copy editing)
    python tests/lock_holder.py sqlite-lock DOC ""    # an SQLite write lock (another program mid-write)
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

from desktop.core.document import Document

if __name__ == "__main__":
    mode, path, who = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
    if mode == "edit-lock":
        doc = Document.open(path, who=who)
        assert not doc.readonly
        print("holding", flush=True)
        sys.stdin.readline()
        doc.close()
    else:
        conn = sqlite3.connect(path, isolation_level=None)
        conn.execute("BEGIN EXCLUSIVE")
        print("holding", flush=True)
        sys.stdin.readline()
        conn.execute("ROLLBACK")
        conn.close()
