"""A request the app refuses with a message already worded for the user (403 for rights, 404, 422 for input).

Raised by routes; app.py's handler renders `message` (in the user's language) as a page or an htmx fragment and
logs `cause` (English, for whoever reads the server log).
"""

from __future__ import annotations

from starlette.exceptions import HTTPException


class PageRefusal(HTTPException):
    def __init__(self, status_code: int, message: str, cause: str) -> None:
        super().__init__(status_code=status_code, detail=cause)
        self.message = message
