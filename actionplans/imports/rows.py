"""A plan document as rows of cells, whatever file it came in: what the parser reads.

Each reader turns one kind of file into :class:`Row` objects (a table row, or a line of text
split on tabs) and warnings about what it had to leave out: text and .xlsx here, Word in
``word.py``, PDF in ``pdf.py``, OpenDocument text in ``odt.py``. :func:`rows_from_document`
picks the reader from the file's content, not its name: a zip archive is checked (sizes,
compression ratio, members) before anything opens it, then named by what it holds; a file of
another kind is refused with a message naming what it is and what a plan can be. The preview carries the rows to the
confirmation step signed (:func:`rows_to_source`), so what is confirmed is what was previewed.
"""

import io
import zipfile
from datetime import date

from django.core import signing
from django.utils.translation import gettext as _

from actionplans.imports.errors import PlanParseError
from actionplans.imports.odt import rows_from_odt
from actionplans.imports.pdf import rows_from_pdf
from actionplans.imports.row import Row
from actionplans.imports.word import rows_from_docx
from common import spreadsheets


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
        raise PlanParseError(
            [
                _(
                    "Ce fichier n'est ni du texte ni un classeur .xlsx, ni un document Word "
                    "(.docx), OpenDocument (.odt) ou PDF."
                )
            ]
        )
    return text


def check_size(size):
    if size > MAX_DOCUMENT_BYTES:
        raise PlanParseError(
            [
                _("Le fichier dépasse la taille maximale de %(size)s Mo.")
                % {"size": MAX_DOCUMENT_BYTES // 2**20}
            ]
        )


PDF_MAGIC = b"%PDF"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Office 97-2003 (.doc, .xls, .ppt)
RTF_MAGIC = b"{\\rtf"
IMAGE_MAGICS = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*")
WORD_PART = "word/document.xml"
POWERPOINT_PART = "ppt/presentation.xml"
ODF_TEXT = b"application/vnd.oasis.opendocument.text"
ODF_KINDS = {
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
    b"application/vnd.oasis.opendocument.presentation": "odp",
}
# Zip members python-docx and odfpy parse whole: bounded before they do.
MAX_XML_PART = 10 * 2**20
DOCUMENT_LIMITS = spreadsheets.Limits(max_bytes=MAX_DOCUMENT_BYTES, max_part=MAX_XML_PART)


def _not_a_plan(received):
    return PlanParseError(
        [
            _(
                "Ce fichier est %(received)s ; le plan doit être un document Word (.docx), "
                "OpenDocument (.odt), PDF, un classeur .xlsx ou du texte."
            )
            % {"received": received}
        ]
    )


def _old_office(data):
    """An Office 97-2003 file, named by the stream its kind always holds."""
    if "WordDocument".encode("utf-16-le") in data:
        return PlanParseError(
            [
                _(
                    "Ce fichier est un document Word d'ancien format (.doc) : ouvrez-le dans "
                    "Word et enregistrez-le en .docx (Fichier › Enregistrer sous), puis déposez "
                    "le fichier .docx."
                )
            ]
        )
    if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
        return _not_a_plan(_("un classeur Excel d'ancien format (.xls) : enregistrez-le en .xlsx"))
    return _not_a_plan(_("un fichier Office d'ancien format (.doc, .xls ou .ppt)"))


def _zip_kind(data):
    """``"docx"``, ``"odt"`` or ``"xlsx"`` for a zip archive that passed the checks."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except spreadsheets.DAMAGED as error:
        raise PlanParseError(
            [
                _(
                    "Ce fichier est endommagé : ce n'est pas une archive zip valide, comme le sont "
                    "les documents .docx et .odt et les classeurs .xlsx."
                )
            ]
        ) from error
    with archive:
        names = set(archive.namelist())
        office = "[Content_Types].xml" in names
        if "xl/workbook.xml" in names or office and not names & {WORD_PART, POWERPOINT_PART}:
            return "xlsx"  # checked and named by the workbook reader, in its own words
        try:
            members = spreadsheets.check_archive(archive, DOCUMENT_LIMITS, what=_("document"))
        except spreadsheets.SpreadsheetError as error:
            raise PlanParseError(error.messages) from error
        if WORD_PART in members:
            kind = "docx"
        elif "mimetype" in members and members["mimetype"].file_size < 100:
            mimetype = archive.read("mimetype").strip()
            if mimetype != ODF_TEXT:
                received = {
                    "ods": _("un classeur OpenDocument (.ods) : enregistrez-le en .xlsx"),
                    "odp": _("une présentation OpenDocument (.odp)"),
                }.get(ODF_KINDS.get(mimetype), _("un fichier OpenDocument d'un autre type"))
                raise _not_a_plan(received)
            kind = "odt"
        elif POWERPOINT_PART in members:
            raise _not_a_plan(_("une présentation PowerPoint (.pptx)"))
        else:
            raise _not_a_plan(_("une archive zip"))
        _check_xml_parts(archive, members)
    return kind


def _check_xml_parts(archive, members):
    """Refuse an XML part too large to parse whole, or one declaring a DOCTYPE (entities):
    Word and LibreOffice never write one."""
    for name, info in members.items():
        if not name.endswith(".xml"):
            continue
        if info.file_size > MAX_XML_PART:
            raise PlanParseError(
                [
                    _("La partie %(part)s du document dépasse %(limit)s Mo.")
                    % {"part": name, "limit": MAX_XML_PART // 2**20}
                ]
            )
        with archive.open(info) as stream:
            head = stream.read(4096)
        if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
            raise PlanParseError(
                [_("La partie %(part)s du document déclare un DOCTYPE : refusé.") % {"part": name}]
            )


def _read_office(kind, data):
    reader, label = {
        "docx": (rows_from_docx, _("Ce document Word (.docx) est illisible.")),
        "odt": (rows_from_odt, _("Ce document OpenDocument (.odt) est illisible.")),
    }[kind]
    try:
        return reader(data)
    except Exception as error:  # python-docx, odfpy and lxml raise whatever a damaged part holds
        raise PlanParseError([label]) from error


def rows_from_document(data):
    """``(rows, warnings)`` of an uploaded plan document: a Word, OpenDocument or PDF document,
    an .xlsx workbook, or text copied from one of them. Raises PlanParseError."""
    check_size(len(data))
    if not data.strip():
        raise PlanParseError([_("Le document est vide.")])
    if data.lstrip()[:4] == PDF_MAGIC:
        return rows_from_pdf(data)
    if data.startswith(OLE_MAGIC):
        raise _old_office(data)
    if data.startswith(RTF_MAGIC):
        raise _not_a_plan(_("un document RTF : enregistrez-le en .docx"))
    if data.startswith(IMAGE_MAGICS):
        raise _not_a_plan(_("une image"))
    if data.startswith(XLSX_MAGIC):
        kind = _zip_kind(data)
        if kind == "xlsx":
            return rows_from_xlsx(data)
        return _read_office(kind, data)
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
