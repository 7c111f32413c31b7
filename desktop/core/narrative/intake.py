"""Reading a .txt or .docx a user brings, treated as hostile: refused in Chinese before anything is parsed.

Checks, in order: a regular file (not a folder, FIFO or device, which could hang a read), at most
:data:`MAX_TXT_BYTES` / :data:`MAX_DOCX_BYTES`; a .docx must be a zip archive with ``word/document.xml``,
at most :data:`MAX_ENTRIES` members, whose declared sizes add up to at most :data:`MAX_UNPACKED_BYTES` and
whose members each expand at most :data:`MAX_RATIO` times (a zip bomb is refused unread); the members are
then read with a hard cap on the bytes actually produced, so a lying size header changes nothing.
"""

from __future__ import annotations

import io
import os
import stat
import zipfile
from pathlib import Path

from ..i18n import tr
from .text import NarrativeTextError

MAX_TXT_BYTES = 5 * 1024 * 1024
MAX_DOCX_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 60 * 1024 * 1024
MAX_ENTRIES = 2000
MAX_RATIO = 200
MAX_CHARS = 2_000_000


def _why(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return tr("文件不存在")
    if isinstance(exc, PermissionError):
        return tr("没有读取权限")
    return tr("系统错误：{reason}", reason=exc.strerror or exc)


def _regular_size(path: Path) -> int:
    try:
        info = os.stat(path)
    except OSError as exc:
        raise NarrativeTextError(tr("无法读取“{name}”（{why}），未做任何改动。请确认文件位置。", name=path.name, why=_why(exc))) from exc
    if not stat.S_ISREG(info.st_mode):
        raise NarrativeTextError(tr("“{name}”不是普通文件（可能是文件夹或设备），未读取。请选择 .txt 或 .docx 文件。", name=path.name))
    return info.st_size


def _read_capped(path: Path, limit: int) -> bytes:
    try:
        with path.open("rb") as fh:
            data = fh.read(limit + 1)
    except OSError as exc:
        raise NarrativeTextError(tr("无法读取“{name}”（{why}），未做任何改动。", name=path.name, why=_why(exc))) from exc
    if len(data) > limit:
        raise NarrativeTextError(tr("“{name}”超过 {limit} MB，不像是公开文本，未读取。", name=path.name, limit=limit // 1024 // 1024))
    return data


def decode_text(data: bytes, name: str) -> str:
    """UTF-8 (with or without BOM) or GB18030 text; binary data is refused."""
    if b"\x00" in data:
        raise NarrativeTextError(tr("“{name}”不是文本文件。请选择 .txt 或 .docx 格式的公开文本。", name=name))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise NarrativeTextError(tr("“{name}”不是 UTF-8 或 GBK 编码的文本文件。请另存为 UTF-8 文本后再试。", name=name))


def _safe_docx(data: bytes, name: str) -> bytes:
    """The archive rebuilt from members read under caps (the parser never sees the original bytes)."""
    bad = tr("“{name}”不是有效的 Word 文档（.docx），未读取。请用 Word 或 WPS 另存为 .docx 后再试。", name=name)
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise NarrativeTextError(bad)
    try:
        source = zipfile.ZipFile(io.BytesIO(data))
        members = source.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise NarrativeTextError(bad) from exc
    if len(members) > MAX_ENTRIES or "word/document.xml" not in {m.filename for m in members}:
        raise NarrativeTextError(bad)
    declared = sum(m.file_size for m in members)
    bomb = tr("“{name}”解压后过大（压缩包炸弹？），未读取。请确认文件来源，或另存为 .txt 后再试。", name=name)
    if declared > MAX_UNPACKED_BYTES or any(
            m.file_size > MAX_RATIO * max(m.compress_size, 1) and m.file_size > 1024 * 1024 for m in members):
        raise NarrativeTextError(bomb)
    out = io.BytesIO()
    produced = 0
    try:
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
            for member in members:
                if member.is_dir():
                    continue
                with source.open(member) as fh:
                    chunk = fh.read(MAX_UNPACKED_BYTES - produced + 1)
                produced += len(chunk)
                if produced > MAX_UNPACKED_BYTES:
                    raise NarrativeTextError(bomb)
                copy.writestr(member.filename, chunk)
    except NarrativeTextError:
        raise
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError, NotImplementedError) as exc:
        raise NarrativeTextError(bad) from exc  # damaged, encrypted or unsupported compression
    return out.getvalue()


def read_docx(data: bytes, name: str) -> str:
    """Paragraph text of a .docx (tables' cell text too, in order), read through :func:`_safe_docx`."""
    safe = _safe_docx(data, name)
    try:
        import docx
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise NarrativeTextError(tr("读取 .docx 需要 python-docx，请另存为 .txt 后再试。")) from exc
    try:
        document = docx.Document(io.BytesIO(safe))
        lines = [p.text for p in document.paragraphs]
    except Exception as exc:  # noqa: BLE001 - XML or package errors of a foreign file alike
        raise NarrativeTextError(tr("“{name}”不是有效的 Word 文档（.docx），未读取。请用 Word 或 WPS 另存后再试。", name=name)) from exc
    return "\n".join(lines)


def read_user_text(path: Path) -> str:
    """The text of a .txt or .docx file a user chose, or :class:`NarrativeTextError` with the reason."""
    path = Path(path)
    size = _regular_size(path)
    suffix = path.suffix.lower()
    if suffix == ".docx":
        if size > MAX_DOCX_BYTES:
            raise NarrativeTextError(tr("“{name}”超过 {limit} MB，不像是公开文本，未读取。", name=path.name, limit=MAX_DOCX_BYTES // 1024 // 1024))
        text = read_docx(_read_capped(path, MAX_DOCX_BYTES), path.name)
    elif suffix in (".txt", ".text", ""):
        if size > MAX_TXT_BYTES:
            raise NarrativeTextError(tr("“{name}”超过 {limit} MB，不像是公开文本，未读取。", name=path.name, limit=MAX_TXT_BYTES // 1024 // 1024))
        text = decode_text(_read_capped(path, MAX_TXT_BYTES), path.name)
    else:
        raise NarrativeTextError(tr("“{name}”不是 .txt 或 .docx 文件，未读取。.doc、.pdf 请先另存为 .docx 或 .txt。", name=path.name))
    if len(text) > MAX_CHARS:
        raise NarrativeTextError(tr("“{name}”的文字超过 {limit} 个字，不像是公开文本，未读取。", name=path.name, limit=MAX_CHARS))
    return text
