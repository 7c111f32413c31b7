"""公开表工作台 (Gongkai Workbench): offline entry, checking and export of 公开表."""

__version__ = "0.1.0"
