"""The skus a file has shown so far, in ~16 bytes each instead of a dict's ~125.

A million-row import kept every sku in a ``dict[str, int]`` for the duplicate
check: about 125 MB at a million rows, most of the import's memory growth.
Here a sku is two independent hashes — Python's 64-bit ``hash`` (SipHash) and
a CRC-32 of its UTF-8 bytes, 96 bits together — in an open-addressing table of
three flat arrays. Two different skus would have to agree on both to be taken
for one: about 1 in 10^16 for a million-row file, far below a disk's silent
error rate, so the check answers as the exact dict did.
"""

from __future__ import annotations

import zlib
from array import array

_START = 1 << 12
_EMPTY = 0


class SeenSkus:
    """``first(sku, row)``: the row where ``sku`` appeared first (``row`` itself
    when it is new, which is then remembered)."""

    def __init__(self) -> None:
        self._size = 0
        self._allocate(_START)

    def _allocate(self, slots: int) -> None:
        self._mask = slots - 1
        self._keys = array("q", bytes(8 * slots))  # Python's hash; 0 marks a free slot
        self._checks = array("I", bytes(4 * slots))  # CRC-32
        self._rows = array("I", bytes(4 * slots))

    def first(self, sku: str, row: int) -> int:
        key = hash(sku) or 1
        check = zlib.crc32(sku.encode())
        keys, mask = self._keys, self._mask
        slot = key & mask
        while (found := keys[slot]) != _EMPTY:
            if found == key and self._checks[slot] == check:
                return self._rows[slot]
            slot = (slot + 1) & mask
        keys[slot] = key
        self._checks[slot] = check
        self._rows[slot] = row
        self._size += 1
        if self._size * 2 > len(keys):  # over half full (probes get long): double
            self._grow()
        return row

    def _grow(self) -> None:
        old = zip(self._keys, self._checks, self._rows, strict=True)
        self._allocate(2 * len(self._keys))
        keys, checks, rows, mask = self._keys, self._checks, self._rows, self._mask
        for key, check, row in old:
            if key == _EMPTY:
                continue
            slot = key & mask
            while keys[slot] != _EMPTY:
                slot = (slot + 1) & mask
            keys[slot], checks[slot], rows[slot] = key, check, row
