"""SHA-256 for the short texts the program hashes (fingerprints, seals, the change-log chain, file names).

``hashlib`` loads OpenSSL's libcrypto when imported: ~2 ms of every start and every command, more than all
the hashing a start does (~200 KB: the compiled-cache fingerprints). CPython's own SHA-256 module loads
in a fraction of that and gives the same digests; the standard library's ``random`` takes its SHA-512 the
same way. Bulk hashing of whole files (the 汇总 sources) keeps hashlib, which is faster per megabyte.
"""

from __future__ import annotations

try:
    from _sha256 import sha256  # CPython 3.11
except ImportError:  # pragma: no cover - depends on the interpreter
    try:
        from _sha2 import sha256  # type: ignore[no-redef]  # CPython 3.12 and later
    except ImportError:
        from hashlib import sha256  # type: ignore[no-redef]  # any other Python

__all__ = ["sha256"]
