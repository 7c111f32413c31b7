"""Start the application: one QApplication, a welcome window, and one window per open document."""

from __future__ import annotations

import gc
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QWidget

from ..core.crashlog import internal_error_message
from ..core.document import Document, DocumentError
from ..core.i18n import N_, tr
from ..core.paths import resources_dir
from ..core.session import Session
from . import app_events, open_mode
from . import settings as app_settings
from .app_name import APP_NAME
from .main_window import MainWindow
from .style import application_font
from .translation import install_chinese

if TYPE_CHECKING:
    from .welcome import WelcomeWindow

FILE_FILTER = N_("公开表文档 (*.gkb);;所有文件 (*)")


def tell(parent: QWidget | None, message: str) -> None:
    """A refusal or a failure, in a modal box (QMessageBox loads when first needed, not at start)."""
    from PySide6.QtWidgets import QMessageBox

    QMessageBox.critical(parent, tr(APP_NAME), message)


def app_icon() -> QIcon:
    return QIcon(str(resources_dir() / "icons" / "gongkai.png"))


class Application:
    """The open windows and what the menus of any of them can ask for."""

    def __init__(self, qapp: QApplication) -> None:
        self.qapp = qapp
        self.windows: list[MainWindow] = []
        self.welcome: WelcomeWindow | None = None

    def show_welcome(self) -> WelcomeWindow:
        if self.welcome is None:
            from .welcome import WelcomeWindow  # not built when a file is opened at start

            self.welcome = WelcomeWindow(self)
        self.welcome.refresh()
        self.welcome.show()
        return self.welcome

    def open_path(self, path: Path, parent: QWidget | None = None, mode: str | None = None) -> MainWindow | None:
        """Open a document in a new window; a bad file gets a Chinese message and nothing changes.
        ``mode`` "review" / "edit"; None asks when the file is a colleague's (see :mod:`.open_mode`)."""
        for window in self.windows:
            if window.session.doc.path.resolve() == Path(path).resolve():
                window.raise_()
                window.activateWindow()
                return window
        try:
            session = Session.open(Path(path), who=app_settings.user_name())
        except DocumentError as exc:
            tell(parent, str(exc))
            return None
        except Exception as exc:  # noqa: BLE001 - any file must give a dialog, never a crash or nothing
            tell(parent, internal_error_message(exc))
            return None
        try:
            if not open_mode.choose(session, parent, mode):
                session.close()
                return None
        except Exception as exc:  # noqa: BLE001 - a file the window cannot show: say so, release it
            session.close()
            tell(parent, str(exc) if isinstance(exc, DocumentError) else internal_error_message(exc))
            return None
        # building and first showing the window send thousands of events that skip the application's
        # filter, which is back once the window has been painted (see app_events)
        pause = app_events.install(self.qapp).pause_for_new_window()
        try:
            window = MainWindow(session, self)
        except Exception as exc:  # noqa: BLE001 - a file the window cannot show: say so, release it
            pause.resume()
            session.close()
            tell(parent, str(exc) if isinstance(exc, DocumentError) else internal_error_message(exc))
            return None
        # the document's rules, rows and findings live as long as the window: keep the garbage collector
        # from walking them again and again while tables are laid out (a 5,000-row table opens in half
        # the time); unfrozen when a window closes, so a closed document's memory is collected
        try:
            gc.freeze()
            self.windows.append(window)  # its icon is the application's (make_qapplication)
            app_settings.remember_file(Path(path))
            window.show()
        finally:
            if self._another_window_shown(window):  # it could get a tooltip meanwhile: the filter is back now
                pause.resume()
            else:  # the first window of a start: the filter is back after the window's first paint
                pause.watch(window)
        if self.welcome is not None:
            self.welcome.hide()
        return window

    def _another_window_shown(self, window: MainWindow) -> bool:
        return any(w is not window and w.isVisible() for w in self.windows) or bool(
            self.welcome is not None and self.welcome.isVisible())

    def open_dialog(self, parent: QWidget | None = None) -> None:
        from PySide6.QtWidgets import QFileDialog  # dialogs load when first asked for, not at start

        path, _ = QFileDialog.getOpenFileName(parent, tr("打开文档"), "", tr(FILE_FILTER))
        if path:
            self.open_path(Path(path), parent)

    def import_dialog(self, parent: QWidget | None = None) -> MainWindow | None:
        from .excel_actions import import_excel

        created = import_excel(parent, app_settings.user_name())
        return self.open_path(created, parent) if created else None

    def open_demo(self) -> MainWindow | None:
        from ..core.demo import build_demo  # the workbook and JSON modules load only for the demo

        return self.open_path(build_demo(who=app_settings.user_name()))

    def new_document(self, parent: QWidget | None = None) -> MainWindow | None:
        from .dialogs import NewDocumentDialog

        dialog = NewDocumentDialog(parent)
        if not dialog.exec():
            return None
        path = Path(dialog.path.text().strip())
        try:
            Document.create(path, dialog.meta(), who=app_settings.user_name()).close()
        except DocumentError as exc:
            tell(parent, str(exc))
            return None
        return self.open_path(path, parent)

    def window_closed(self, window: MainWindow) -> None:
        if window in self.windows:
            self.windows.remove(window)
        gc.unfreeze()


def make_qapplication() -> QApplication:
    qapp = QApplication.instance() or QApplication(sys.argv[:1])
    qapp.setApplicationName(tr(APP_NAME))
    qapp.setOrganizationName(app_settings.ORGANISATION)
    qapp.setWindowIcon(app_icon())
    qapp.setFont(application_font())
    if not qapp.property("gongkaiTranslators"):
        install_chinese(qapp)
    # text from a colleague's file is never rendered as HTML; dialogs fit the screen. Installed last: the
    # events of the set-up above would each pass through Python for nothing
    app_events.install(qapp)
    return qapp  # type: ignore[return-value]


def show_unexpected(kind: type[BaseException], exc: BaseException, tb: object) -> None:
    """sys.excepthook of the GUI: an exception escaping a slot is logged (crashlog) and told in Chinese,
    instead of PySide6 printing a traceback nobody sees and carrying on in a broken state."""
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, exc, tb)  # type: ignore[arg-type]
        return
    message = str(exc) if isinstance(exc, DocumentError) else internal_error_message(exc)
    qapp = QApplication.instance()
    if isinstance(qapp, QApplication):  # the box's text is plain even before a window's first paint
        app_events.install(qapp).resume()
    tell(QApplication.activeWindow(), message)


def start(files: list[str]) -> Application:
    """The application with ``files`` open (or the welcome window), ready for its event loop.

    The garbage collector comes back on here: ``desktop.cli`` turns it off before loading the GUI, because
    start-up builds ~60,000 objects that all stay (modules, Qt's enums, the document's rules and rows) and
    collecting them again and again while they are built cost ~10 ms of every start. The start's garbage
    (~400 objects) stays with what :meth:`Application.open_path` freezes."""
    try:
        qapp = make_qapplication()
        sys.excepthook = show_unexpected
        app = Application(qapp)
        opened = [app.open_path(Path(f)) for f in files]
        if not any(opened):
            app.show_welcome()
    finally:
        gc.enable()
    return app


def run(files: list[str]) -> int:
    return start(files).qapp.exec()
