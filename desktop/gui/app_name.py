"""The application's name, as every dialog title shows it (translated where shown: ``tr(APP_NAME)``).

Its own module so that a window can name itself without loading the dialogs module, whose Qt classes
cost milliseconds at start."""

from __future__ import annotations

from ..core.i18n import N_

APP_NAME = N_("公开表工作台")
