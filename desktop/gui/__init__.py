"""The PySide6 application: a thin layer of widgets over :mod:`desktop.core`."""

from .qt_values import shield_none

shield_none()  # before any widget exists: PySide6 6.12 loses references to None (see qt_values)
