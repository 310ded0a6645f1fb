"""Plan documents laid out as coordinators write them in Word, for the fixtures
(``scripts/make-plan-documents``), the reader tests and ``make bench``.

A document is a list of blocks: ``Paragraph`` (a title, a heading or a note) and ``Table``
(header rows, then body rows; a cell's ``\\n`` is a new paragraph inside the cell, a line
starting with ``- `` a bulleted paragraph). :func:`docx_bytes` writes it with python-docx;
:func:`libreoffice_convert` turns the .docx into the PDF or .odt a word processor exports.
"""

import io
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

GREY = "D9D9D9"

# A header cell: its text, how many grid columns it spans, and whether it starts a vertical
# merge ("restart") or continues the one above ("continue").
BEAUCE_HEADER = (
    (
        ("Moyens d'action", 1, "restart"),
        ("Responsables partenaires", 1, "restart"),
        ("Échéance", 1, "restart"),
        ("Budget", 3, None),
        ("Résultats attendus", 2, None),
    ),
    (
        ("", 1, "continue"),
        ("", 1, "continue"),
        ("", 1, "continue"),
        ("RH", 1, None),
        ("HR", 1, None),
        ("Autres", 1, None),
        ("Indicateurs", 1, None),
        ("Cibles", 1, None),
    ),
)
BEAUCE_WIDTHS = (2.3, 1.5, 0.8, 0.75, 0.5, 0.9, 1.2, 1.5)  # inches, landscape letter


@dataclass
class Paragraph:
    text: str
    style: str = "Normal"  # "Title", "Heading 1", "Heading 2"…


@dataclass
class Table:
    header: tuple  # rows of (text, span, vertical merge)
    rows: list  # [[cell text, …]], as wide as the header's grid
    widths: tuple = ()
    shaded: set = field(default_factory=set)  # indexes of body rows on a grey background


def _shade(cell, fill):
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    properties.append(shading)


def _vertical_merge(cell, value):
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    merge = OxmlElement("w:vMerge")
    if value == "restart":
        merge.set(qn("w:val"), "restart")
    cell._tc.get_or_add_tcPr().append(merge)


def _repeat_as_header(row):
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(header)


def _write_cell(cell, text, *, bold=False):
    lines = text.split("\n") if text else [""]
    for index, line in enumerate(lines):
        paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
        if line.startswith("- "):
            paragraph.style = "List Bullet"
            line = line[2:]
        run = paragraph.add_run(line)
        run.bold = bold


def _write_table(document, block):
    from docx.shared import Inches, Pt

    width = sum(span for _text, span, _merge in block.header[0])
    table = document.add_table(rows=0, cols=width)
    table.style = "Table Grid"
    for header_row in block.header:
        row = table.add_row()
        _repeat_as_header(row)
        column = 0
        for text, span, merge in header_row:
            cell = row.cells[column]
            if span > 1:
                cell = cell.merge(row.cells[column + span - 1])
            _write_cell(cell, text, bold=True)
            if merge:
                _vertical_merge(cell, merge)
            column += span
    for index, cells in enumerate(block.rows):
        row = table.add_row()
        for cell, text in zip(row.cells, cells, strict=True):
            _write_cell(cell, text)
            if index in block.shaded:
                _shade(cell, GREY)
    if block.widths:
        for row in table.rows:
            for cell, inches in zip(row.cells, block.widths, strict=False):
                cell.width = Inches(inches)
    for row in table.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(8)


def docx_bytes(blocks, *, landscape=True):
    """The blocks as a Word document (.docx bytes), on letter paper."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Inches

    document = Document()
    section = document.sections[0]
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Inches(11), Inches(8.5)
    for margin in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, margin, Inches(0.7))
    for block in blocks:
        if isinstance(block, Table):
            _write_table(document, block)
        else:
            document.add_paragraph(block.text, style=block.style)
    stream = io.BytesIO()
    document.save(stream)
    return stream.getvalue()


def libreoffice_convert(data, target, *, source_suffix="docx"):
    """``data`` (a .docx) converted by LibreOffice headless to ``target`` ("pdf" or "odt"), in a
    private profile so that parallel runs do not share one."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise RuntimeError("LibreOffice (soffice) is not installed: make system")
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        source = folder / f"document.{source_suffix}"
        source.write_bytes(data)
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation={(folder / 'profile').as_uri()}",
                "--headless",
                "--convert-to",
                target,
                "--outdir",
                str(folder / "out"),
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
        return (folder / "out" / f"document.{target}").read_bytes()
