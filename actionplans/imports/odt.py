"""An OpenDocument text (.odt) as rows, by the Word reader's rules: paragraphs and headings are
rows of one cell, a table row is a row of its grid cells (a spanned cell keeps its text in its
first column, the covered cells after it and under it are empty), a cell's paragraphs are
joined with ``\\n`` (a list item starting with ``- ``), a row is shaded when most of its cells
have a background colour other than white."""

import io

from odf import teletype
from odf.namespaces import FONS, STYLENS, TABLENS, TEXTNS
from odf.opendocument import load

from actionplans.imports.row import Row

MAX_REPEAT = 100  # « number-columns-repeated » on an empty cell can claim thousands
NO_FILL = {None, "", "transparent", "#ffffff", "#FFFFFF"}


def _name(node):
    return node.qname if hasattr(node, "qname") else None


def _backgrounds(document):
    """``{cell style name: True}`` for the cell styles that paint a background."""
    filled = set()
    for styles in (document.automaticstyles, document.styles):
        for style in styles.childNodes:
            if _name(style) != (STYLENS, "style"):
                continue
            for properties in style.childNodes:
                if _name(properties) == (STYLENS, "table-cell-properties"):
                    if properties.attributes.get((FONS, "background-color")) not in NO_FILL:
                        filled.add(style.attributes.get((STYLENS, "name")))
    return filled


def _lines(node, bullet=False):
    """The text lines of a paragraph, heading or list (items prefixed with ``- ``)."""
    name = _name(node)
    if name in ((TEXTNS, "p"), (TEXTNS, "h")):
        text = teletype.extractText(node).replace("\t", " ").strip()
        return [f"- {text}" if bullet and text else text]
    if name == (TEXTNS, "list"):
        lines = []
        for item in node.childNodes:
            for child in item.childNodes:
                lines.extend(_lines(child, bullet=True))
        return lines
    if name == (TEXTNS, "section"):
        return [line for child in node.childNodes for line in _lines(child)]
    return []


def _cell_text(cell):
    lines = []
    for child in cell.childNodes:
        if _name(child) == (TABLENS, "table"):
            lines.extend(" ".join(cells).strip() for cells, _ in _table_rows(child, set()))
        else:
            lines.extend(_lines(child))
    return "\n".join(lines).strip("\n")


def _rows_of(table):
    for child in table.childNodes:
        name = _name(child)
        if name == (TABLENS, "table-row"):
            yield child
        elif name in (
            (TABLENS, "table-header-rows"),
            (TABLENS, "table-rows"),
            (TABLENS, "table-row-group"),
        ):
            yield from _rows_of(child)


def _table_rows(table, backgrounds):
    rows = []
    for row in _rows_of(table):
        cells, filled = [], 0
        for cell in row.childNodes:
            name = _name(cell)
            if name not in ((TABLENS, "table-cell"), (TABLENS, "covered-table-cell")):
                continue
            repeat = int(cell.attributes.get((TABLENS, "number-columns-repeated"), 1) or 1)
            text = _cell_text(cell) if name == (TABLENS, "table-cell") else ""
            for _ in range(min(repeat, MAX_REPEAT)):
                cells.append(text)
                if cell.attributes.get((TABLENS, "style-name")) in backgrounds:
                    filled += 1
        rows.append((cells, filled * 2 > len(cells)))
    return rows


def _blocks(node, backgrounds):
    for child in node.childNodes:
        name = _name(child)
        if name == (TABLENS, "table"):
            yield from _table_rows(child, backgrounds)
        elif name == (TEXTNS, "section"):
            yield from _blocks(child, backgrounds)
        else:
            for line in _lines(child):
                yield [line], False


def rows_from_odt(data):
    """``(rows, warnings)`` of an OpenDocument text already checked as an archive."""
    document = load(io.BytesIO(data))
    backgrounds = _backgrounds(document)
    rows = []
    for cells, shaded in _blocks(document.text, backgrounds):
        if any(cells):
            rows.append(Row(len(rows) + 1, tuple(cells), shaded))
    return rows, []
