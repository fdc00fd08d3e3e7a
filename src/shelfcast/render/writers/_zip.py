"""A minimal zip writer for XLSX files: deflated members, fixed timestamps, ZIP64 when needed.

The sheet of an XLSX is deflated while its rows are written, before its first
bytes (the ``<dimension>`` of the sheet, known only at the end) can be: it is
compressed in two pieces, the opening of the XML and the rest, and the two raw
deflate streams are joined (the first ends in a sync flush, at a byte boundary,
without a final block; RFC 1951 allows any number of blocks). The stdlib's
``zipfile`` takes only uncompressed data, so this writer takes members already
deflated, with their CRC-32 (:func:`crc32_combine` joins the two pieces' CRCs).

Every timestamp is the same fixed date, so two files of the same data are
byte-identical.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable
from dataclasses import dataclass
from typing import BinaryIO

from isal import isal_zlib

__all__ = ["RawDeflater", "ZipWriter", "crc32_combine"]

# ISA-L's deflate (python-isal, zlib's API) at level 1: on a sheet's XML about 3x
# the speed of zlib's level 1 with a smaller output (bench/README.md). The
# streams are plain deflate: any zip reader inflates them.
DEFLATE_LEVEL = 1
_PIECE = 1 << 20  # bytes handed to the compressor at a time
_ZIP32_LIMIT = 0xFFFFFFFF
_DOS_TIME = 0
_DOS_DATE = (2000 - 1980) << 9 | 1 << 5 | 1  # 2000-01-01
_DEFLATED = 8
_VERSION = 20  # 2.0: deflate
_VERSION_ZIP64 = 45


def crc32_combine(crc1: int, crc2: int, length2: int) -> int:
    """The CRC-32 of ``a + b`` from ``crc32(a)``, ``crc32(b)`` and ``len(b)``.

    zlib's ``crc32_combine`` (which Python's ``zlib`` does not expose): it
    applies ``length2`` zero bytes to ``crc1`` by squaring a GF(2) matrix, so
    it costs O(log length2), not a pass over the data.
    """
    if length2 <= 0:
        return crc1
    odd = [0xEDB88320] + [1 << n for n in range(31)]  # the operator for one zero bit
    even = _square(odd)  # two zero bits
    odd = _square(even)  # four zero bits
    while True:
        even = _square(odd)  # the first time: one zero byte
        if length2 & 1:
            crc1 = _times(even, crc1)
        length2 >>= 1
        if not length2:
            break
        odd = _square(even)
        if length2 & 1:
            crc1 = _times(odd, crc1)
        length2 >>= 1
        if not length2:
            break
    return crc1 ^ crc2


def _times(matrix: list[int], vector: int) -> int:
    total = 0
    index = 0
    while vector:
        if vector & 1:
            total ^= matrix[index]
        vector >>= 1
        index += 1
    return total


def _square(matrix: list[int]) -> list[int]:
    return [_times(matrix, row) for row in matrix]


class RawDeflater:
    """Deflates a member piece by piece, keeping its CRC-32 and sizes.

    ISA-L's output depends on how its input is cut into calls (zlib's does
    not): the input is handed over in pieces of a fixed size whatever the
    caller's, so the same bytes always deflate the same way (the row path and
    the Arrow path cut the sheet differently and must write the same file).
    """

    def __init__(self) -> None:
        self._compressor = isal_zlib.compressobj(DEFLATE_LEVEL, isal_zlib.DEFLATED, -15)
        self._waiting = bytearray()
        self.crc = 0
        self.size = 0

    def compress(self, data: bytes | memoryview) -> bytes:
        self.crc = isal_zlib.crc32(data, self.crc)
        self.size += len(data)
        self._waiting += data
        if len(self._waiting) < _PIECE:
            return b""
        out = []
        with memoryview(self._waiting) as waiting:
            whole = len(waiting) - len(waiting) % _PIECE
            for start in range(0, whole, _PIECE):
                out.append(self._compressor.compress(waiting[start : start + _PIECE]))
        del self._waiting[:whole]
        return b"".join(out)

    def flush(self, *, final: bool) -> bytes:
        """The rest of the stream: with its final block, or ending at a byte boundary
        without one, so that another raw deflate stream may follow it."""
        rest = self._compressor.compress(bytes(self._waiting))
        self._waiting.clear()
        return rest + self._compressor.flush(
            isal_zlib.Z_FINISH if final else isal_zlib.Z_SYNC_FLUSH
        )


@dataclass(frozen=True, slots=True)
class _Entry:
    name: bytes
    crc: int
    size: int
    compressed_size: int
    offset: int


class ZipWriter:
    """Writes a zip archive of deflated members to a binary stream, front to back."""

    def __init__(self, out: BinaryIO) -> None:
        self._out = out
        self._offset = 0
        self._entries: list[_Entry] = []

    def _write(self, data: bytes | memoryview) -> None:
        self._out.write(data)
        self._offset += len(data)

    def add(self, name: str, data: bytes) -> None:
        """Add a member from its uncompressed bytes."""
        deflater = RawDeflater()
        compressed = deflater.compress(data) + deflater.flush(final=True)
        self.add_deflated(name, deflater.crc, deflater.size, len(compressed), [compressed])

    def add_deflated(
        self,
        name: str,
        crc: int,
        size: int,
        compressed_size: int,
        pieces: Iterable[bytes | memoryview],
    ) -> None:
        """Add a member from its raw deflate stream, given in ``pieces``."""
        encoded = name.encode("ascii")
        entry = _Entry(encoded, crc, size, compressed_size, self._offset)
        zip64 = size >= _ZIP32_LIMIT or compressed_size >= _ZIP32_LIMIT
        extra = struct.pack("<HHQQ", 1, 16, size, compressed_size) if zip64 else b""
        shown = (_ZIP32_LIMIT, _ZIP32_LIMIT) if zip64 else (size, compressed_size)
        header = struct.pack(
            "<IHHHHHIIIHH",
            0x04034B50,
            _VERSION_ZIP64 if zip64 else _VERSION,
            0,
            _DEFLATED,
            _DOS_TIME,
            _DOS_DATE,
            crc,
            *shown,
            len(encoded),
            len(extra),
        )
        self._write(header + encoded + extra)
        written = 0
        for piece in pieces:
            self._write(piece)
            written += len(piece)
        if written != compressed_size:
            raise ValueError(f"{name}: {written} compressed bytes, {compressed_size} announced")
        self._entries.append(entry)

    def close(self) -> None:
        """Write the central directory (ZIP64 records too when anything needs them)."""
        start = self._offset
        for entry in self._entries:
            self._write(_central_header(entry))
        size = self._offset - start
        count = len(self._entries)
        if start >= _ZIP32_LIMIT or size >= _ZIP32_LIMIT or count >= 0xFFFF:
            end64 = self._offset
            self._write(
                struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, count, count, size, start)
            )
            self._write(struct.pack("<IIQI", 0x07064B50, 0, end64, 1))
            count, size, start = 0xFFFF, _ZIP32_LIMIT, _ZIP32_LIMIT
        self._write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, size, start, 0))


def _central_header(entry: _Entry) -> bytes:
    big = [
        value
        for value in (entry.size, entry.compressed_size, entry.offset)
        if value >= _ZIP32_LIMIT
    ]
    zip64 = bool(big)
    if zip64:
        # Every field that overflowed, in this order, at full width (APPNOTE 4.5.3).
        extra = struct.pack("<HH", 1, 8 * len(big)) + b"".join(struct.pack("<Q", v) for v in big)
    else:
        extra = b""
    size, compressed, offset = (
        min(value, _ZIP32_LIMIT) for value in (entry.size, entry.compressed_size, entry.offset)
    )
    version = _VERSION_ZIP64 if zip64 else _VERSION
    header = struct.pack(
        "<IHHHHHHIIIHHHHHII",
        0x02014B50,
        version,
        version,
        0,
        _DEFLATED,
        _DOS_TIME,
        _DOS_DATE,
        entry.crc,
        compressed,
        size,
        len(entry.name),
        len(extra),
        0,
        0,
        0,
        0,
        offset,
    )
    return header + entry.name + extra
