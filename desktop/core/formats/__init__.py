"""File formats: the JSON dump, published-figures JSON, and Excel workbooks in the official layouts."""
