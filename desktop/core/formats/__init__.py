"""File formats: the JSON dump, published-figures JSON, and (later) Excel workbooks."""
