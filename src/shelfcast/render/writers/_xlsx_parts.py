"""The fixed parts of a one-sheet XLSX workbook, and the sheet XML's opening and end.

An XLSX file is a zip of XML parts (ECMA-376 Part 1). Ours are the fewest a
workbook needs: content types, package and workbook relationships, the
workbook, the styles (two cell formats: the default, and ``0.00`` for
prices) and the sheet. No theme, no document properties: nothing that varies
with the time or the machine, so the same data gives the same bytes.
"""

from __future__ import annotations

__all__ = ["PRICE_STYLE", "SHEET_PART", "fixed_parts", "sheet_end", "sheet_start"]

SHEET_PART = "xl/worksheets/sheet1.xml"
PRICE_STYLE = 1  # the cellXfs index of the ``0.00`` number format

_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
_OFFICE = "application/vnd.openxmlformats-officedocument.spreadsheetml"

_CONTENT_TYPES = (
    _DECLARATION
    + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    + '<Default Extension="rels" '
    + 'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    + '<Default Extension="xml" ContentType="application/xml"/>'
    + f'<Override PartName="/xl/workbook.xml" ContentType="{_OFFICE}.sheet.main+xml"/>'
    + f'<Override PartName="/{SHEET_PART}" ContentType="{_OFFICE}.worksheet+xml"/>'
    + f'<Override PartName="/xl/styles.xml" ContentType="{_OFFICE}.styles+xml"/>'
    + "</Types>"
)

_ROOT_RELS = (
    _DECLARATION
    + f'<Relationships xmlns="{_PACKAGE_RELATIONSHIPS}">'
    + f'<Relationship Id="rId1" Type="{_RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/>'
    + "</Relationships>"
)

_WORKBOOK_RELS = (
    _DECLARATION
    + f'<Relationships xmlns="{_PACKAGE_RELATIONSHIPS}">'
    + f'<Relationship Id="rId1" Type="{_RELATIONSHIPS}/worksheet" Target="worksheets/sheet1.xml"/>'
    + f'<Relationship Id="rId2" Type="{_RELATIONSHIPS}/styles" Target="styles.xml"/>'
    + "</Relationships>"
)

_STYLES = (
    _DECLARATION
    + f'<styleSheet xmlns="{_MAIN}">'
    + '<numFmts count="1"><numFmt numFmtId="164" formatCode="0.00"/></numFmts>'
    + '<fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    + '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    + '<fill><patternFill patternType="gray125"/></fill></fills>'
    + '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    + '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    + '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    + '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    + "</cellXfs>"
    + '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    + "</styleSheet>"
)


def _attribute(text: str) -> str:
    """Text escaped for a double-quoted XML attribute."""
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def fixed_parts(sheet_name: str) -> list[tuple[str, bytes]]:
    """Every part but the sheet, in the order they are written (content types first)."""
    workbook = (
        _DECLARATION
        + f'<workbook xmlns="{_MAIN}" xmlns:r="{_RELATIONSHIPS}">'
        + f'<sheets><sheet name="{_attribute(sheet_name)}" sheetId="1" r:id="rId1"/></sheets>'
        + "</workbook>"
    )
    parts = [
        ("[Content_Types].xml", _CONTENT_TYPES),
        ("_rels/.rels", _ROOT_RELS),
        ("xl/workbook.xml", workbook),
        ("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS),
        ("xl/styles.xml", _STYLES),
    ]
    return [(name, text.encode("utf-8")) for name, text in parts]


def sheet_start(dimension: str) -> bytes:
    """The sheet XML up to the opening of ``<sheetData>``; ``dimension`` is the used
    range (``"A1:J1001"``)."""
    return (
        _DECLARATION
        + f'<worksheet xmlns="{_MAIN}" xmlns:r="{_RELATIONSHIPS}">'
        + f'<dimension ref="{dimension}"/>'
        + '<sheetViews><sheetView tabSelected="1" workbookViewId="0"/></sheetViews>'
        + '<sheetFormatPr defaultRowHeight="15"/><sheetData>'
    ).encode()


def sheet_end() -> bytes:
    """The sheet XML after the last row."""
    return (
        b"</sheetData>"
        b'<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
        b"</worksheet>"
    )
