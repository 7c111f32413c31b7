"""The PySide6 application: a thin layer of widgets over :mod:`desktop.core`."""

from .qt_values import shield_singletons

shield_singletons()  # before any widget exists: PySide6 6.12 loses references to None and True (qt_values)
