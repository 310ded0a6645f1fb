"""A Word document (.docx) as rows: its paragraphs and table rows in the order of the body.

A paragraph (a title, « AXE 1 : … », a note) is a row of one cell. A table row is a row of its
grid cells, so that columns stay aligned whatever the merges: a cell spanning several columns
(``w:gridSpan``) keeps its text in its first column and leaves the others empty, a cell that
continues a vertical merge (``w:vMerge``) is empty. A cell's paragraphs are joined with
``\\n``, a bulleted one starting with ``- ``. A table row is shaded when most of its columns
carry a fill that is not white (``w:shd w:fill``, on the cell or as the row's exception).
Rows are numbered in order: that is the « Ligne N » of the parser's messages.
"""

import io

from docx import Document
from docx.oxml.ns import qn
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from actionplans.imports.row import Row

NO_FILL = {None, "", "auto", "FFFFFF", "ffffff"}


def _fill(properties):
    """Whether a ``w:tcPr`` or ``w:tblPrEx`` carries a fill other than white."""
    if properties is None:
        return False
    shading = properties.find(qn("w:shd"))
    if shading is None:
        return False
    if shading.get(qn("w:fill")) not in NO_FILL:
        return True
    # A pattern (« pct25 », « solid »…) drawn in a colour is a fill too.
    pattern = shading.get(qn("w:val"))
    return pattern not in (None, "clear", "nil") and shading.get(qn("w:color")) not in NO_FILL


def _numbering_of(properties):
    """``(numId, ilvl)`` of a ``w:pPr``'s numbering, or None."""
    numbering = properties.find(qn("w:numPr")) if properties is not None else None
    if numbering is None or numbering.find(qn("w:numId")) is None:
        return None
    level = numbering.find(qn("w:ilvl"))
    return (
        numbering.find(qn("w:numId")).get(qn("w:val")),
        level.get(qn("w:val")) if level is not None else "0",
    )


class _Bullets:
    """Which paragraphs are bullets: a numbering (on the paragraph or its style, read once per
    style) whose level is drawn with the ``bullet`` format."""

    def __init__(self, document):
        self.formats = {}
        self.styles = {}  # style id: (based on, numbering)
        self.default_style = None
        try:
            numbering = document.part.numbering_part.element
        except (KeyError, NotImplementedError):
            return
        abstract = {
            node.get(qn("w:abstractNumId")): {
                level.get(qn("w:ilvl")): level.find(qn("w:numFmt")).get(qn("w:val"))
                for level in node.findall(qn("w:lvl"))
                if level.find(qn("w:numFmt")) is not None
            }
            for node in numbering.findall(qn("w:abstractNum"))
        }
        for node in numbering.findall(qn("w:num")):
            reference = node.find(qn("w:abstractNumId"))
            if reference is not None:
                self.formats[node.get(qn("w:numId"))] = abstract.get(reference.get(qn("w:val")), {})
        for style in document.styles.element.findall(qn("w:style")):
            if style.get(qn("w:type")) != "paragraph":
                continue
            based_on = style.find(qn("w:basedOn"))
            self.styles[style.get(qn("w:styleId"))] = (
                based_on.get(qn("w:val")) if based_on is not None else None,
                _numbering_of(style.find(qn("w:pPr"))),
            )
            if style.get(qn("w:default")) in ("1", "true", "on"):
                self.default_style = style.get(qn("w:styleId"))

    def _numbering(self, paragraph):
        properties = paragraph._p.pPr
        if found := _numbering_of(properties):
            return found
        style = (
            properties.pStyle.val
            if properties is not None and properties.pStyle is not None
            else None
        )
        style = style or self.default_style
        seen = set()
        while style in self.styles and style not in seen:
            seen.add(style)
            based_on, numbering = self.styles[style]
            if numbering:
                return numbering
            style = based_on
        return None

    def is_bullet(self, paragraph):
        if not self.formats:
            return False
        numbering = self._numbering(paragraph)
        if numbering is None:
            return False
        number, level = numbering
        return self.formats.get(number, {}).get(level) == "bullet"


def _paragraph_text(paragraph, bullets):
    text = paragraph.text.replace("\t", " ").strip()
    if text and bullets.is_bullet(paragraph):
        return f"- {text}"
    return text


def _cell_text(cell, bullets):
    lines = []
    for block in cell.iter_inner_content():
        if isinstance(block, Paragraph):
            lines.append(_paragraph_text(block, bullets))
        else:  # a table inside the cell: one line per row
            for row in block.rows:
                lines.append(" ".join(_cell_text(inner, bullets) for inner in row.cells).strip())
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines).strip("\n")


def _table_rows(table, bullets):
    """``[(cells, shaded)]`` of a table, one cell per grid column."""
    rows = []
    for row in table.rows:
        tr = row._tr
        cells = [""] * row.grid_cols_before
        filled = 0
        row_fill = _fill(tr.tblPrEx)
        for tc in tr.tc_lst:
            span = tc.grid_span
            text = "" if tc.vMerge == "continue" else _cell_text(_Cell(tc, table), bullets)
            cells.extend([text] + [""] * (span - 1))
            if row_fill or _fill(tc.tcPr):
                filled += span
        rows.append((cells, filled * 2 > len(cells)))
    return rows


def rows_from_docx(data):
    """``(rows, warnings)`` of a Word document already checked as an archive."""
    document = Document(io.BytesIO(data))
    bullets = _Bullets(document)
    rows = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for cells, shaded in _table_rows(block, bullets):
                if any(cells):
                    rows.append(Row(len(rows) + 1, tuple(cells), shaded))
        elif text := _paragraph_text(block, bullets):
            rows.append(Row(len(rows) + 1, (text,)))
    return rows, []
