"""A per-user cache of validated template sets, so the application starts without re-validating YAML.

Validating a set builds pydantic schemas and parses YAML: most of the start-up time. The cache holds the
validated :class:`TemplateSet` (plain objects, :mod:`.models`) pickled, keyed by the size and modification time of every file under
resources/templates, by the source of the modules that compile a set and by the versions of the
application, pydantic and Python: any change to a definition file misses the cache and the set is loaded
and validated again. The key covers the whole templates folder, not only a set's own folder, so an edit
in a file another set ``extends:`` (a base set, a _shared table) invalidates every set built on it. The cache lives in the
user's own cache folder (written only by this user's processes); a missing, unreadable or stale entry is
simply ignored, and ``GONGKAI_NO_CACHE=1`` turns it off.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import os
import pickle
import sys
import tempfile
from pathlib import Path

from ... import __version__
from .template_set import TemplateSet

# The modules whose source decides what a set compiles to: the models and everything that reads,
# composes (extends, patches) and validates the YAML.
CODE_MODULES = ("models.py", "schema.py", "compile_set.py", "template_set.py", "loader.py", "compose.py",
                "patch.py", "table_patch.py", "yaml_source.py")


def cache_dir() -> Path:
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "gongkai" / "sets"


def _validator_stamp() -> str:
    """Size and time of the installed pydantic's version file: a new pydantic may validate differently.
    Read from the file system so that a cached start does not import pydantic."""
    spec = importlib.util.find_spec("pydantic")
    try:
        st = Path(spec.origin).with_name("version.py").stat() if spec and spec.origin else None
    except OSError:
        st = None
    return f"{st.st_size}:{st.st_mtime_ns}" if st else "-"


def templates_fingerprint(templates: Path) -> str:
    """A digest of every definition file's name, size and modification time, and of the versions."""
    digest = hashlib.sha256(f"{__version__}|{_validator_stamp()}|{sys.version}".encode())
    for module in CODE_MODULES:  # a changed model or patch rule must not meet an old pickle
        with contextlib.suppress(OSError):
            digest.update(Path(__file__).with_name(module).read_bytes())
    for path in sorted(templates.rglob("*")):
        if path.is_file():
            st = path.stat()
            digest.update(f"{path.relative_to(templates)}|{st.st_size}|{st.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:24]


def _entry(folder: Path, fingerprint: str) -> Path:
    return cache_dir() / f"{folder.name}-{fingerprint}.pickle"


def read(folder: Path, fingerprint: str) -> TemplateSet | None:
    if os.environ.get("GONGKAI_NO_CACHE"):
        return None
    try:
        with _entry(folder, fingerprint).open("rb") as fh:
            tset = pickle.load(fh)  # noqa: S301 - the user's own cache, written by this module
    except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        return None
    return tset if isinstance(tset, TemplateSet) and tset.folder == folder else None


def write(folder: Path, fingerprint: str, tset: TemplateSet) -> None:
    if os.environ.get("GONGKAI_NO_CACHE"):
        return
    target = _entry(folder, fingerprint)
    with contextlib.suppress(OSError, pickle.PickleError):
        target.parent.mkdir(parents=True, exist_ok=True)
        for old in [*target.parent.glob(f"{folder.name}-*.pickle"), *target.parent.glob("*.tmp")]:
            old.unlink(missing_ok=True)  # older entries, and a temp file a killed process left behind
        fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(tset, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, target)
