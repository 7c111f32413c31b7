"""The refusal of a review action, in Chinese."""


class ReviewError(ValueError):
    """A review action that was refused; ``str()`` is the Chinese reason. Nothing was changed."""
