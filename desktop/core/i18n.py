"""The one translation function for text a person reads: menus, dialogs, command-line output, error messages.

The program speaks Chinese and its source text *is* the zh_CN wording: ``tr("已导入 {count} 张表", count=n)``
returns exactly that sentence with the count filled in unless another catalogue is selected. A catalogue is a
standard gettext ``.mo`` file, so the strings are extracted with the usual tools (``pybabel extract -k tr
-k N_``, or ``xgettext --keyword=tr --keyword=N_``; see the README) and translated with any .po editor.

- Placeholders are named and filled with :meth:`str.format` (``{count}``, ``{name!r}``, ``{amount:,}``);
  a message given no fields is returned as it is, so its braces need no doubling.
- Text kept in a module constant (built at import, before a catalogue may be chosen) is marked with
  :func:`N_` where it is written and passed through :func:`tr` where it is shown.
- The catalogue: ``resources/i18n/<语言>/LC_MESSAGES/gongkai.mo``, chosen by the environment variable
  ``GONGKAI_LANG`` (for example ``zh_TW``) or by :func:`select`. ``zh_CN`` (or nothing) is the source text;
  ``pseudo`` brackets every message (``⟦…⟧``) so text that bypasses the function stands out on screen.
- A catalogue that is missing, unreadable or corrupt, and a translated message whose placeholders do not
  match, fall back to the Chinese source text: a bad catalogue never stops the program.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Protocol

# gettext, logging and the resources folder are imported only when a catalogue is chosen: the source text
# costs the command line nothing at start-up (`gongkai set` is mostly start-up)

DOMAIN = "gongkai"  # the catalogue's file name: <语言>/LC_MESSAGES/gongkai.mo
LANGUAGE_ENV = "GONGKAI_LANG"
SOURCE_LANGUAGE = "zh_CN"  # the text written in the code
PSEUDO = "pseudo"  # every message bracketed: shows on screen what was not translated
_LANGUAGE_NAME = re.compile(r"[A-Za-z]{2,3}(?:[_-][A-Za-z0-9]{2,8}){0,2}(?:@[A-Za-z0-9]{1,16})?")


class _Catalogue(Protocol):
    def gettext(self, message: str, /) -> str: ...


class _Pseudo:
    """A made-up catalogue that brackets every message, placeholders kept."""

    def gettext(self, message: str, /) -> str:
        return f"⟦{message}⟧"


# (language in use, its catalogue or None for the source text); None until the first message or select().
# Replaced as one tuple, so a thread reading it never sees a language with another language's catalogue.
_active: tuple[str, _Catalogue | None] | None = None


def _warn(message: str, *args: object) -> None:
    import logging

    logging.getLogger(__name__).warning(message, *args)


def catalogue_dir() -> Path:
    """The folder of the catalogues shipped with the program (``resources/i18n``)."""
    from .paths import resources_dir

    return resources_dir() / "i18n"


def _load(language: str, folder: Path) -> _Catalogue | None:
    """The catalogue for ``language`` in ``folder``, or None (with a warning) when it cannot be used."""
    if language == PSEUDO:
        return _Pseudo()
    if not _LANGUAGE_NAME.fullmatch(language):
        _warn("界面语言“%s”不是语言代码（例如 zh_TW），界面保持简体中文。", language[:40])
        return None
    import gettext

    try:
        return gettext.translation(DOMAIN, localedir=str(folder), languages=[language])
    except FileNotFoundError:
        _warn("没有界面语言“%s”的译文目录（%s），界面保持简体中文。", language, folder)
    except Exception as exc:  # noqa: BLE001 - a corrupt .mo raises OSError, struct.error, UnicodeError...
        _warn("界面语言“%s”的译文目录无法读取（%s），界面保持简体中文。", language, type(exc).__name__)
    return None


def select(language: str | None = None, folder: Path | None = None) -> str:
    """Choose the catalogue: ``language`` (None: ``GONGKAI_LANG``, else the source text) from ``folder``
    (None: the shipped catalogues). Returns the language now in use: ``zh_CN`` when it fell back."""
    global _active
    wanted = (language if language is not None else os.environ.get(LANGUAGE_ENV, "")).strip()
    catalogue = None
    if wanted and wanted.replace("-", "_") != SOURCE_LANGUAGE:
        catalogue = _load(wanted, folder or catalogue_dir())
    _active = (wanted if catalogue is not None else SOURCE_LANGUAGE, catalogue)
    return _active[0]


def active_language() -> str:
    """The language messages are shown in (``zh_CN`` for the source text)."""
    return select() if _active is None else _active[0]


def tr(message: str, /, **fields: object) -> str:
    """``message`` in the selected language with its ``{named}`` placeholders filled from ``fields``.

    A translation whose placeholders do not fit the fields is ignored (the Chinese source is used)."""
    active = _active
    if active is None:
        select()
        active = _active or (SOURCE_LANGUAGE, None)
    catalogue = active[1]
    if catalogue is None:  # the source text: the common case, kept short (findings build many messages)
        return message.format(**fields) if fields else message
    text = catalogue.gettext(message)
    if not fields:
        return text
    if text is not message:
        try:
            return text.format(**fields)
        except (KeyError, IndexError, ValueError, AttributeError, TypeError):
            _warn("译文的占位符与原文不符，改用原文：%s", message[:60])
    return message.format(**fields)


def N_(message: str) -> str:  # noqa: N802 - the name gettext tools know for "extract, do not translate yet"
    """Mark ``message`` for extraction where it is written; :func:`tr` translates it where it is shown."""
    return message
