"""The rule engine: parse rule expressions, expand rules over rows, evaluate incrementally."""
