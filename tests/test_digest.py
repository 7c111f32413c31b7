"""The program's SHA-256 (desktop.core.digest): the same digests as hashlib's, and OpenSSL left unloaded by
a document's open, check and close (hashlib costs every start ~2 ms for loading libcrypto)."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

from tools import child_env

from desktop.core.demo import build_demo
from desktop.core.digest import sha256


def test_digests_are_sha256_whether_given_at_once_or_in_parts() -> None:
    texts = [b"", b"abc", "公开01表|收入合计|1234.56".encode(), bytes(range(256)) * 300]
    for text in texts:
        assert sha256(text).hexdigest() == hashlib.sha256(text).hexdigest()
        parts = sha256()
        for start in range(0, len(text), 7):
            parts.update(text[start:start + 7])
        assert parts.hexdigest() == hashlib.sha256(text).hexdigest()
        assert parts.digest() == hashlib.sha256(text).digest()


OPEN_CHECK_CLOSE = """
import sys
from pathlib import Path
from desktop.core.session import Session
session = Session.open(Path(sys.argv[1]), who="test")
session.findings()
session.close()
print("hashlib" in sys.modules, "_hashlib" in sys.modules)
"""


def test_opening_checking_and_closing_a_document_loads_no_openssl(tmp_path: Path) -> None:
    demo = build_demo(tmp_path / "demo.gkb", who="test")
    for _ in range(2):  # the first run may compile the caches; the second is a usual start
        done = subprocess.run([sys.executable, "-c", OPEN_CHECK_CLOSE, str(demo)], capture_output=True, text=True,
                              timeout=120, env=child_env(), cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        assert done.stdout.split() == ["False", "False"]
