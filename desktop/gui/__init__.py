"""The PySide6 application: a thin layer of widgets over :mod:`desktop.core`."""
