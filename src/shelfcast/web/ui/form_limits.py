"""How much a posted page form may hold: enough for the largest feed file form.

Starlette refuses a form of more than 1,000 fields by default; a file of 200
columns already posts that many (five controls a column), so the preview stopped
and saving answered a bare JSON error. The limit follows the feed schema's own
column limit instead; a form beyond it is refused with a page that says why
(and the form's script stops such a form before it is sent, keeping it).
"""

from __future__ import annotations

from fastapi import Request
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException

from shelfcast.feeds.schemas import MAX_COLUMNS

# The controls of one column row of the file form (_column_row.html).
COLUMN_CONTROLS = 5
# Warehouses, the file's settings, the CSRF token, the button: generous headroom.
OTHER_FIELDS = 2_000
MAX_FORM_FIELDS = MAX_COLUMNS * COLUMN_CONTROLS + OTHER_FIELDS
# No page posts files yet; a few, should one (an import) need them.
MAX_FORM_FILES = 10


class FormTooLarge(Exception):
    """A posted form with more fields than :data:`MAX_FORM_FIELDS`."""


async def read_form(request: Request) -> FormData:
    """The posted form (parsed once per request; later calls get the same data)."""
    try:
        return await request.form(max_fields=MAX_FORM_FIELDS, max_files=MAX_FORM_FILES)
    except (HTTPException, MultiPartException) as error:
        raise FormTooLarge(str(getattr(error, "detail", error))) from error
