"""A plan document as rows of cells, whatever file it came in: what the parser reads.

Each reader turns one kind of file into :class:`Row` objects (a table row, or a line of text
split on tabs) and warnings about what it had to leave out. :func:`rows_from_document` picks the
reader from the file's first bytes, not its name. The preview carries the rows to the
confirmation step signed (:func:`rows_to_source`), so what is confirmed is what was previewed.
"""

from dataclasses import dataclass
from datetime import date

from django.core import signing
from django.utils.translation import gettext as _

from actionplans.imports.errors import PlanParseError
from common import spreadsheets


@dataclass(frozen=True)
class Row:
    """One row of the document: its line (or row) number, its cells' text (line breaks inside a
    cell kept as ``\n``), and whether the document shades it (a grey background in Word)."""

    line: int
    cells: tuple = ()
    shaded: bool = False


def rows_from_text(text):
    return [
        Row(number, tuple(line.split("\t"))) for number, line in enumerate(text.splitlines(), 1)
    ]


MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
XLSX_MAGIC = b"PK\x03\x04"


def _cell_text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, date):
        return value.isoformat()[:10]
    return str(value)


def rows_from_xlsx(data):
    """The first sheet of an .xlsx workbook as ``([(row number, [cell text, …]), …], warnings)``.

    The archive is checked before openpyxl opens it (``common.spreadsheets``): a workbook that
    inflates too far or holds too many rows or columns is refused with a message saying so. A
    formula without a computed value reads as an empty cell and is a warning naming it."""
    try:
        sheet = spreadsheets.read_xlsx(data, spreadsheets.Limits(max_bytes=MAX_DOCUMENT_BYTES))
    except spreadsheets.SpreadsheetError as error:
        raise PlanParseError(error.messages) from error
    rows = [
        Row(number, tuple(_cell_text(value) for value in values)) for number, values in sheet.rows
    ]
    return rows, sheet.formula_warnings()


def text_from_bytes(data):
    """Decode a text document (UTF-8, UTF-16 with BOM, or Windows-1252); refuse binary data."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
    controls = sum(1 for char in text if ord(char) < 32 and char not in "\t\r\n\f")
    if "\x00" in text or "\ufffd" in text or controls > len(text) / 100:
        raise PlanParseError([_("Ce fichier n'est ni du texte ni un classeur .xlsx.")])
    return text


def check_size(size):
    if size > MAX_DOCUMENT_BYTES:
        raise PlanParseError(
            [
                _("Le fichier dépasse la taille maximale de %(size)s Mo.")
                % {"size": MAX_DOCUMENT_BYTES // 2**20}
            ]
        )


def rows_from_document(data):
    """``(rows, warnings)`` of an uploaded plan document: an .xlsx workbook, or text copied
    from Word or a PDF."""
    check_size(len(data))
    if not data.strip():
        raise PlanParseError([_("Le document est vide.")])
    if data.startswith(XLSX_MAGIC):
        return rows_from_xlsx(data)
    return rows_from_text(text_from_bytes(data)), []


SOURCE_SALT = "actionplans.imports.rows"


def rows_to_source(rows):
    """The rows as a signed string, for the preview's confirmation form."""
    return signing.dumps(
        [[row.line, list(row.cells), row.shaded] for row in rows], salt=SOURCE_SALT, compress=True
    )


def rows_from_source(source):
    """The rows a preview signed; PlanParseError if the string was altered."""
    try:
        data = signing.loads(source, salt=SOURCE_SALT)
        return [
            Row(int(line), tuple(map(str, cells)), bool(shaded)) for line, cells, shaded in data
        ]
    except (signing.BadSignature, TypeError, ValueError) as error:
        raise PlanParseError(
            [_("L'aperçu envoyé a été modifié ou est illisible : déposez le document de nouveau.")]
        ) from error
