"""The Qt-free core: definitions, the document file, the rule engine and file formats.

Nothing below this package may import PySide6; tests/test_layering.py enforces it.
"""
