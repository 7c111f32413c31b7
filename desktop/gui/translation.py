"""Qt's own dialogs in Chinese: OK/Cancel, Show Details, the file and print dialogs come from Qt, not from
this program, and speak English unless Qt's translation catalogue is installed at start-up."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

CATALOGUES = ("qtbase",)  # the widgets, dialogs and print support (qt_zh_CN is only qtbase + qtmultimedia)


def install_chinese(app: QCoreApplication) -> list[QTranslator]:
    """Load Qt's zh_CN catalogues into ``app``; returns those loaded (kept on ``app`` so they stay alive).

    The default locale becomes zh_CN as well, so QLocale-formatted text (dates in the file dialog) matches."""
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    loaded: list[QTranslator] = []
    for name in CATALOGUES:
        translator = QTranslator(app)
        if translator.load(f"{name}_zh_CN", folder) and app.installTranslator(translator):
            loaded.append(translator)
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    app.setProperty("gongkaiTranslators", len(loaded))
    app._gongkai_translators = loaded  # type: ignore[attr-defined]  # noqa: SLF001 - keep them alive
    return loaded
