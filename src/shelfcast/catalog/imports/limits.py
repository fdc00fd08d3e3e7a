"""The one home of the bounds an uploaded spreadsheet must stay within.

Every reader and route takes its limits from here, so a merchant who hits one
gets the same number from the web page, the API and the command line. The
bounds are sized for a million-row catalog: a CSV of 1,000,000 products with
a dozen columns weighs ~200 MB, an XLSX of it ~60 MB zipped.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ReadLimits:
    """Bounds of one upload.

    ``max_zip_ratio`` and ``max_unzipped_bytes`` guard XLSX/ODS (ZIP
    containers): a zip bomb — a few kilobytes that inflate to gigabytes — is
    refused from its directory before a byte is inflated.
    """

    max_bytes: int = 512 * 1024 * 1024
    max_rows: int = 2_000_000
    max_columns: int = 500
    max_zip_ratio: int = 200
    max_unzipped_bytes: int = 2 * 1024 * 1024 * 1024


DEFAULT_LIMITS = ReadLimits()
