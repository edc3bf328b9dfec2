"""What a GraphQL request body must be before Strawberry reads it: JSON, in UTF-8, nested no
deeper than the parser goes, and an object (or a list: a batch, which Strawberry refuses).

Strawberry turns only a JSON syntax error into a 400: a body that is not UTF-8, one nested too
deep for Python's parser, or a JSON string or number reached it as an exception, a 500. Both
views (the lane's and the router's) read bodies through this, so each of those is a 400 that
`media.py` then answers as a coded GraphQL error.
"""

import json
from typing import Any

from cross_web import HTTPException

NOT_A_REQUEST = "A GraphQL request is a JSON object with a query"


class StrictBodies:
    """A mixin for Strawberry's views: `parse_json` that never lets a body through as an
    exception."""

    def parse_json(self, data: str | bytes) -> Any:
        try:
            parsed = json.loads(data)
        except (ValueError, RecursionError) as error:  # UnicodeDecodeError is a ValueError
            raise HTTPException(400, "Unable to parse request body as JSON") from error
        # Bytes are a body (a query string's `variables` and `extensions` arrive as text, and
        # Strawberry checks their type itself).
        if isinstance(data, bytes) and not isinstance(parsed, dict | list):
            raise HTTPException(400, NOT_A_REQUEST)
        return parsed
