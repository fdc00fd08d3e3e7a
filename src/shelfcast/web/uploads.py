"""An uploaded file, copied to a temporary file within the readers' size bound."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePath
from typing import BinaryIO

from shelfcast.catalog.imports.limits import DEFAULT_LIMITS
from shelfcast.errors import InvalidInput

CHUNK = 1 << 20


@contextmanager
def uploaded_file(source: BinaryIO, name: str | None) -> Iterator[Path]:
    """The upload on disk for the block (the readers want a path), removed afterwards.

    Refuses (``InvalidInput`` at ``file``) an empty upload or one past the limit
    before reading further.
    """
    suffix = PurePath(name or "").suffix[:10]
    fd, raw = tempfile.mkstemp(prefix="shelfcast-upload-", suffix=suffix)
    path = Path(raw)
    try:
        with os.fdopen(fd, "wb") as out:
            copied = 0
            while chunk := source.read(CHUNK):
                copied += len(chunk)
                if copied > DEFAULT_LIMITS.max_bytes:
                    raise InvalidInput.one(
                        ("file",), f"at most {DEFAULT_LIMITS.max_bytes:,} bytes are accepted"
                    )
                out.write(chunk)
        if copied == 0:
            raise InvalidInput.one(("file",), "is empty: upload the marketplace's sample file")
        yield path
    finally:
        path.unlink(missing_ok=True)
