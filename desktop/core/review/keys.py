"""Signing keys in the person's profile, and the signers this computer has seen (trust on first use).

Each name signing on this computer has an Ed25519 key in ``<profile>/keys/`` (created on the first
审核通过, readable by the owner only). ``<profile>/known_signers.json`` keeps, per name, the public keys
seen in files or made here: the first key seen for a name is trusted from then on; a file signed by a
different key for that name is a loud warning (someone else signed in that name, or the person moved to
a new computer: ask them and compare fingerprints).
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

from msgspec import Struct

from ..digest import sha256
from ..document.store import now_iso
from ..i18n import tr
from ..user import profile_dir
from .errors import ReviewError

if TYPE_CHECKING:  # cryptography loads when a key signs or verifies, not with every opened document
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

KNOWN_FILE = "known_signers.json"


def fingerprint(public_hex: str) -> str:
    """The short form people compare by phone: 16 hex digits of the key's SHA-256, in groups of four."""
    try:
        raw = bytes.fromhex(public_hex)
    except ValueError:
        raw = public_hex.encode("utf-8", "replace")
    h = sha256(raw).hexdigest()[:16].upper()
    return " ".join(h[i:i + 4] for i in range(0, 16, 4))


def _write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically, readable by the owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _key_path(name: str) -> Path:
    return profile_dir() / "keys" / f"{sha256(name.encode('utf-8')).hexdigest()[:32]}.json"


class SigningKey(Struct, frozen=True):
    name: str
    private: Ed25519PrivateKey

    @property
    def public_hex(self) -> str:
        return self.private.public_key().public_bytes_raw().hex()

    def sign(self, payload: bytes) -> str:
        return self.private.sign(payload).hex()


def signing_key(name: str) -> SigningKey:
    """``name``'s key in this profile, made (and remembered as known) on first use."""
    if not name.strip():
        raise ReviewError(tr("没有审核人姓名，不能签章。请先在“设置”中填写姓名（命令行：设置环境变量 GONGKAI_USER）。"))
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    path = _key_path(name)
    try:
        if path.exists():
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("name") != name:
                raise ValueError("name")
            return SigningKey(name, Ed25519PrivateKey.from_private_bytes(bytes.fromhex(data["private_key"])))
        key = SigningKey(name, Ed25519PrivateKey.generate())
        raw = key.private.private_bytes_raw().hex()
        _write_private(path, json.dumps({"name": name, "private_key": raw, "created_at": now_iso()},
                                        ensure_ascii=False))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ReviewError(tr("签章密钥（{path}）无法读取或保存（{exc}），未签章。请检查该文件夹的权限，"
                          "或向技术支持求助。", path=path, exc=exc)) from exc
    remember(name, key.public_hex)
    return key


def verify(public_hex: str, signature_hex: str, payload: bytes) -> bool:
    """Whether ``signature_hex`` is ``public_hex``'s Ed25519 signature of ``payload`` (False on any bad input)."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_hex)).verify(bytes.fromhex(signature_hex), payload)
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


# -- the signers this computer has seen -------------------------------------------------------
class KeyStatus(Enum):
    KNOWN = "known"      # the key this computer first saw (or made) for the name
    FIRST = "first"      # never seen a key for this name: trusted from now on
    CHANGED = "changed"  # this computer knows another key for the name


def _known_path() -> Path:
    return profile_dir() / KNOWN_FILE


def known_signers() -> dict[str, list[dict[str, str]]]:
    """{name: [{"public_key", "fingerprint", "first_seen"}]}; empty when there is no record yet."""
    path = _known_path()
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ReviewError(tr("本机的签章人记录（{path}）无法读取（{exc}）。请把该文件改名保存后重试；"
                          "改名后，本机将重新从第一次见到的密钥开始信任。", path=path, exc=exc)) from exc
    if not isinstance(data, dict):
        return {}
    return {n: [k for k in v if isinstance(k, dict)] for n, v in data.items() if isinstance(v, list)}


def remember(name: str, public_hex: str) -> None:
    """Record ``public_hex`` as a key of ``name`` on this computer (nothing when already recorded)."""
    known = known_signers()
    keys = known.setdefault(name, [])
    if any(k.get("public_key") == public_hex for k in keys):
        return
    keys.append({"public_key": public_hex, "fingerprint": fingerprint(public_hex), "first_seen": now_iso()})
    _write_private(_known_path(), json.dumps(known, ensure_ascii=False, indent=1))


def key_status(name: str, public_hex: str, *, record: bool = True) -> KeyStatus:
    """How ``public_hex`` stands for ``name`` on this computer; a first key is remembered when ``record``."""
    keys = known_signers().get(name, [])
    if any(k.get("public_key") == public_hex for k in keys):
        return KeyStatus.KNOWN
    if keys:
        return KeyStatus.CHANGED
    if record:
        with contextlib.suppress(OSError):  # a read-only profile: reported as first seen, again next time
            remember(name, public_hex)
    return KeyStatus.FIRST


def accept(name: str, public_hex: str) -> None:
    """The person confirmed a new key (fingerprint compared): trust it for ``name`` from now on."""
    remember(name, public_hex)
