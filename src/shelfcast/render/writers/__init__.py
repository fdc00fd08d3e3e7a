"""One writer per file type, in an explicit registry.

Each writer is a small stateless object with the file ``extension``, the HTTP
``media_type`` and ``write(spec, cells, out)``. The registry is a read-only
mapping so no one adds formats by side effect.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from types import MappingProxyType
from typing import BinaryIO, Protocol

from shelfcast.render.spec import FeedSpec, FileType
from shelfcast.render.writers.csv import CsvWriter
from shelfcast.render.writers.xls import XlsWriter
from shelfcast.render.writers.xlsx import XlsxWriter

__all__ = ["WRITERS", "CsvWriter", "FeedWriter", "XlsWriter", "XlsxWriter"]


class FeedWriter(Protocol):
    """Writes cell rows (see :mod:`shelfcast.render.values`) as one file format."""

    @property
    def extension(self) -> str:
        """The file name extension, without the dot (``"csv"``)."""
        ...

    @property
    def media_type(self) -> str:
        """The HTTP ``Content-Type`` to serve the file with."""
        ...

    @property
    def max_rows(self) -> int | None:
        """The most rows a file holds, the header row and the rows above it included."""
        ...

    @property
    def max_columns(self) -> int | None:
        """The most columns a file holds (None: no limit)."""
        ...

    @property
    def max_text_length(self) -> int | None:
        """The longest text one cell holds, in the format's own units (None: no limit)."""
        ...

    def sheet_name_problem(self, name: str) -> str | None:
        """What is wrong with ``name`` as the sheet's name in this format (None: nothing)."""
        ...

    def text_problem(self, text: str) -> str | None:
        """What is wrong with ``text`` as one cell in this format (None: nothing)."""
        ...

    def write(self, spec: FeedSpec, cells: Iterable[Sequence[str | Decimal]], out: BinaryIO) -> int:
        """Write the header and every cell row to ``out``; return the number of data rows."""
        ...


WRITERS: Mapping[FileType, FeedWriter] = MappingProxyType(
    {
        FileType.CSV: CsvWriter(),
        FileType.XLSX: XlsxWriter(),
        FileType.XLS: XlsWriter(),
    }
)
