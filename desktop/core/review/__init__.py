"""Review and hand-over: 批注 threads, per-table review states with the hand-over gate, sealed sign-off."""

from .book import ReviewBook, ReviewError
from .comments import Comment, Thread
from .seal import SealChange, SealCheck
from .states import TableState

__all__ = ["Comment", "ReviewBook", "ReviewError", "SealChange", "SealCheck", "TableState", "Thread"]
