"""The hostile-input corpus: every kind of file a colleague could hand a clerk, run through every command
that reads it (and, in tests/test_hostile_gui.py, through the window's open path).

A kind is one way an input can be hostile: a .gkb with planted SQL, a lock file that is a FIFO, a zip bomb
saved as .xlsx, a JSON nested 100,000 deep. Each kind module (``kinds_*.py`` here) lists its kinds in
``KINDS``; the harness (:mod:`.harness`) runs each kind's commands in-process and checks the promise made
to users: a Chinese message, exit 2 (or the exit the kind names), no traceback, the input's bytes and its
folder untouched, no partial output left behind.
"""
