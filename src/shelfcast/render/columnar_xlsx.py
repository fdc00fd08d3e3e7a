"""XLSX feeds from Arrow record batches: the bytes of the row path, without Python per row.

The values become cell texts by the CSV path's column rules
(:mod:`shelfcast.render.columnar`, without its quoting): the same kernels,
the same fallback to the row path's converters for a rare value. The sheet is
then written by the XLSX writer's own :class:`~shelfcast.render.writers.xlsx.SheetFile`,
which the row path uses too, so both write the same file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import BinaryIO

import pyarrow as pa

from shelfcast.render._arrow_csv import Dialect
from shelfcast.render.columnar import _ColumnWriter, _Problem
from shelfcast.render.spec import FeedSpec, FileType
from shelfcast.render.writers._common import wrong_width
from shelfcast.render.writers._sheet_xml import Texts
from shelfcast.render.writers.xlsx import SheetFile

__all__ = ["write_xlsx_batches"]

# Rows turned into XML at a time: the Arrow temporaries of a step (its XML is
# about 0.5 KB a row of 10 columns) stay under 10 MB, whatever the batch size.
_ROWS_PER_STEP = 8192

# The CSV column rules without quoting or the CSV options: a pattern that never
# matches, no special bytes, an empty lone field left empty, text as it is.
_PLAIN = Dialect(
    separator=",",
    needs_quotes=re.compile(r"(?!)"),
    special_bytes=(),
    single_field=False,
    text=str,
    line_breaks_to_space=False,
    formula_protection=False,
    decimal_comma=False,
    codec=None,
)


def write_xlsx_batches(
    spec: FeedSpec, batches: Iterable[pa.RecordBatch], out: BinaryIO, *, scale: int = 0
) -> int:
    """Write an XLSX feed from Arrow record batches; return the number of data rows.

    The file is the one :func:`~shelfcast.render.render_feed` writes for
    ``spec`` from the same values. The batches hold the columns
    :func:`~shelfcast.render.write_csv_batches` takes (text as strings,
    numbers as ``int64`` fixed-point units of ``10**-scale`` or as strings,
    anything for a CUSTOM_VALUE column), consumed once, a batch at a time.
    Errors are those of the row path, for the first bad row; nothing reaches
    ``out`` before the last row is in.
    """
    if spec.file_type is not FileType.XLSX:
        raise ValueError(f"write_xlsx_batches writes XLSX files, not {spec.file_type.value}")
    if scale < 0:
        raise ValueError(f"scale must be 0 or more, not {scale}")
    with SheetFile(spec) as sheet:
        columns = [
            _ColumnWriter.of(spec, column, position, _PLAIN, scale)
            for position, column in enumerate(spec.columns)
        ]
        for batch in batches:
            if batch.num_columns != len(columns):
                raise wrong_width(sheet.rows + 1, batch.num_columns, len(columns))
            for start in range(0, batch.num_rows, _ROWS_PER_STEP):
                step = batch.slice(start, _ROWS_PER_STEP)
                problems: list[_Problem] = []
                texts: list[Texts] = [
                    column.fields(values, problems)
                    for column, values in zip(columns, step.columns, strict=True)
                ]
                if problems:
                    # The rows before the first bad value may hold an error of their own.
                    first = min(problems, key=lambda p: (p.row, p.position))
                    rows = sheet.rows
                    sheet.add([_head(values, first.row) for values in texts], first.row)
                    raise first.error.at_row(rows + first.row + 1)
                sheet.add(texts, step.num_rows)
        sheet.finish(out)
        return sheet.rows


def _head(values: Texts, length: int) -> Texts:
    return values if isinstance(values, str) else values.slice(0, length)
