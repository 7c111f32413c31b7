"""The Qt-free core: definitions, the document file, the rule engine and file formats.

Nothing below this package may import PySide6; tests/test_layering.py enforces it.
"""

import sys


def _load_msgspec_without_typing_extensions() -> None:
    """Import msgspec (the core's record type, ``Struct``) without letting it load typing_extensions.

    msgspec tries typing_extensions first and falls back to :mod:`typing` (``msgspec._utils``); the core's
    Structs use only :mod:`typing`, and typing_extensions costs every start ~3 ms (the window's and every
    command's). Any later ``import typing_extensions`` works as usual."""
    if "msgspec" in sys.modules or "typing_extensions" in sys.modules:
        return
    sys.modules["typing_extensions"] = None  # type: ignore[assignment]  # import raises: msgspec falls back
    try:
        import msgspec  # noqa: F401
    finally:
        if sys.modules.get("typing_extensions", 0) is None:
            del sys.modules["typing_extensions"]


_load_msgspec_without_typing_extensions()
