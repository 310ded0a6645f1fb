"""Spreadsheets in and out, for files nobody on the team wrote.

**In.** An .xlsx is a zip of XML parts: a few kilobytes can inflate to gigabytes, describe a
million empty rows, or declare XML entities that expand without end, and openpyxl builds
whatever it is given. :func:`check_xlsx` looks at the archive first (size, members,
compression ratio, each from the zip directory, without inflating anything), then streams
every XML part through expat (no DTD, well-formed, rows and columns within bounds, stopping at
the first row over the limit); only then does :func:`read_xlsx` let openpyxl read the sheet,
in read-only mode and never past the bounds. :func:`read_csv` bounds a CSV the same way. Every
refusal is a :class:`SpreadsheetError` whose messages say what was wrong and the limit.

**Out.** A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is taken
for a formula by spreadsheet programs (``=HYPERLINK(…)``, ``=cmd|…``). :func:`neutralise`
prefixes such text with a single quote, as OWASP recommends for CSV injection, and leaves
numbers alone; :func:`spreadsheet_export` (tablib datasets and books) and :func:`csv_writer`
(hand-written CSV) put every cell of every export through it.
"""

import csv
import datetime
import io
import math
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from decimal import Decimal
from xml.parsers import expat

from django.utils.translation import gettext as _

from common.formatting import format_number

MIB = 2**20
MAX_SPREADSHEET_BYTES = 5 * MIB  # the same 5 Mo as plan documents


@dataclass(frozen=True)
class Limits:
    max_bytes: int = MAX_SPREADSHEET_BYTES
    max_uncompressed: int = 50 * MIB  # all members of the archive, inflated
    max_ratio: int = 100  # inflated ÷ compressed, per member
    ratio_exempt: int = MIB  # a member smaller than this inflated cannot hurt, whatever its ratio
    max_members: int = 1000
    max_part: int = 5 * MIB  # XML parts that openpyxl parses whole (styles, workbook…)
    max_rows: int = 5000
    max_columns: int = 100
    max_record_elements: int = 1000  # inside one row or one shared string
    max_other_elements: int = 200_000  # in a part, outside rows and shared strings

    @property
    def max_shared_strings(self):
        return self.max_rows * self.max_columns


class SpreadsheetError(Exception):
    """The file cannot be read; ``messages`` say why, in the user's language."""

    def __init__(self, messages):
        self.messages = [str(message) for message in messages]
        super().__init__("\n".join(self.messages))


# Files out ----------------------------------------------------------------------------------

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")


def neutralise(value):
    """``value`` safe to open in a spreadsheet program: text that a spreadsheet would run as a
    formula gets a leading single quote; numbers, dates and text written as a plain number
    (``-12``, ``-3,5``) are returned unchanged. Applying it twice changes nothing more."""
    if not isinstance(value, str) or not value.startswith(FORMULA_TRIGGERS):
        return value
    if PLAIN_NUMBER.fullmatch(value):
        return value
    return f"'{value}"


def unneutralise(value):
    """The inverse of :func:`neutralise`, for a file exported here and imported back (an
    .xlsx brings a neutralised carriage return back as a line feed: XML reads it so)."""
    if not isinstance(value, str) or not value.startswith("'"):
        return value
    if value.startswith("'\n") or neutralise(value[1:]) == value:
        return value[1:]
    return value


def neutralised(row):
    return [neutralise(value) for value in row]


def neutralise_dataset(dataset):
    """Neutralise every header and cell of a tablib ``Dataset`` in place; return it."""
    if dataset.headers:
        dataset.headers = neutralised(dataset.headers)
    for index in range(len(dataset)):
        dataset[index] = neutralised(dataset[index])
    return dataset


# Number formats in the file's own code (a comma groups thousands, a point marks decimals):
# spreadsheet programs show them with the reader's separators, "17 340,00 $" in French.
MONEY_FORMAT = '#,##0.00\\ "$"'
HOURS_FORMAT = '#,##0.0\\ "h"'  # hours are kept to one decimal
COUNT_FORMAT = "#,##0"  # "1 250" in French
# A date cell reads as Quebec writes it ("6 février 2025") whatever the program's language
# (C0C: fr-CA).
DATE_FORMAT = "[$-C0C]d mmmm yyyy"
# A column (or, in a sheet of label/value rows, a row) whose label ends so holds money.
MONEY_SUFFIX = "($)"
MIN_WIDTH = 8
MAX_WIDTH = 60  # wider text wraps inside its column


def spreadsheet_export(data, file_format, number_formats=None):
    """A tablib ``Dataset`` or ``Databook`` as xlsx bytes or csv text, every cell neutralised.

    xlsx: each dataset is a sheet named by its title, header row bold and frozen, with an
    autofilter; numbers and dates as typed cells, dates as dates; a number takes the format
    that ``number_formats`` (``{label: format code}``) gives its column header or, in a sheet of
    label/value rows, its row's label (first cell); a label ending in « ($) » is money
    (:data:`MONEY_FORMAT`) unless given another format. Columns are as wide as their content up
    to :data:`MAX_WIDTH`, longer or multi-line text wrapped. A sheet added to a book gets all
    this without declaring anything but the formats of its own labels. tablib's own
    ``escape=True`` (which strips a leading ``=`` from formula cells) stays on as a second net;
    nothing reaches it once the cells are neutralised.

    csv: as French Excel reads it: ``;`` between cells, a decimal comma, ``\\r\\n`` between
    rows (the caller encodes it in UTF-8 with a BOM)."""
    for dataset in data.sheets() if hasattr(data, "sheets") else [data]:
        neutralise_dataset(dataset)
    if file_format == "xlsx":
        return _xlsx(data.sheets() if hasattr(data, "sheets") else [data], number_formats)
    if file_format == "csv":
        return _french_csv(data)
    return data.export(file_format)


def _format_of(label, number_formats):
    if not isinstance(label, str):
        return None
    if label in number_formats:
        return number_formats[label]
    return MONEY_FORMAT if label.rstrip().endswith(MONEY_SUFFIX) else None


CELL_TYPES = (str, int, float, Decimal, datetime.date, datetime.time, bool)


def _cell(value):
    """What openpyxl writes as is, or the value as text (a lazy translation, say)."""
    return value if value is None or isinstance(value, CELL_TYPES) else str(value)


def _xlsx(datasets, number_formats):
    """The sheets written once by openpyxl, with the number formats, widths, filters and
    wrapping tablib's own export does not write. As tablib's ``escape=True`` does, a cell
    that would still be read as a formula loses its ``=`` (none does once neutralised)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from tablib.formats._xlsx import safe_xlsx_sheet_title

    number_formats = number_formats or {}
    wrapped = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    bold = Font(bold=True)
    workbook = Workbook()
    workbook.remove(workbook.active)
    for number, dataset in enumerate(datasets):
        title = safe_xlsx_sheet_title(dataset.title) if dataset.title else f"Sheet{number}"
        sheet = workbook.create_sheet(title)
        rows = [list(dataset.headers or [])] if dataset.headers else []
        rows += [[_cell(value) for value in row] for row in dataset]
        for row in rows:
            sheet.append(row)
        sheet.freeze_panes = "A2"
        if sheet.max_row > 1 or sheet["A1"].value is not None:
            sheet.auto_filter.ref = sheet.dimensions
        row_formats = [_format_of(row[0] if row else None, number_formats) for row in rows]
        wrapped_cells = []  # (row number, column letter, lines): their row grows to show them
        for index, column in enumerate(sheet.iter_cols(), start=1):
            header = column[0].value
            column[0].font = bold
            code = _format_of(header, number_formats)
            width = max(MIN_WIDTH, len(str(header or "")) + 4)  # room for the filter button
            for row, cell in enumerate(column[1:], start=1):
                value = cell.value
                if cell.data_type == "f":
                    cell.value = value = value[1:]
                if isinstance(value, datetime.datetime | datetime.date):
                    cell.number_format = DATE_FORMAT
                    width = max(width, 18)
                elif isinstance(value, int | float | Decimal) and not isinstance(value, bool):
                    if cell_code := code or (row_formats[row] if index > 1 else None):
                        cell.number_format = cell_code
                    width = max(width, len(format_number(value, 2)) + 4)
                elif value is not None:
                    lines = str(value).split("\n")
                    longest = max(len(line) for line in lines)
                    width = max(width, min(longest, MAX_WIDTH) + 2)
                    if len(lines) > 1 or longest > MAX_WIDTH:
                        cell.alignment = wrapped
                        wrapped_cells.append((cell.row, get_column_letter(index), lines))
            sheet.column_dimensions[get_column_letter(index)].width = min(width, MAX_WIDTH + 2)
        _fit_rows(sheet, wrapped_cells)
        for row in {row for row, _letter, _lines in wrapped_cells}:  # the rest of a tall row
            for cell in sheet[row]:
                if not cell.alignment.wrap_text:
                    cell.alignment = top
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


LINE_HEIGHT = 15  # points, for the default 11-point font
MAX_ROW_HEIGHT = 409  # the most a spreadsheet row can be


def _fit_rows(sheet, wrapped_cells):
    """Rows tall enough for their wrapped text: spreadsheet programs keep a row at its default
    height on opening, whatever it holds, so wrapped lines would overlap the next row."""
    heights = {}
    for row, letter, lines in wrapped_cells:
        room = max(int(sheet.column_dimensions[letter].width) - 2, 1)
        count = sum(max(math.ceil(len(line) / room), 1) for line in lines)
        heights[row] = max(heights.get(row, 1), count)
    for row, count in heights.items():
        sheet.row_dimensions[row].height = min(count * LINE_HEIGHT, MAX_ROW_HEIGHT)


def _csv_cell(value):
    if isinstance(value, bool) or value is None:
        return "" if value is None else value
    if isinstance(value, Decimal | float):
        text = format(Decimal(str(value)).normalize(), "f")
        return text.replace(".", ",")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _french_csv(dataset):
    stream = io.StringIO(newline="")
    writer = csv.writer(stream, delimiter=";", lineterminator="\r\n")
    if dataset.headers:
        writer.writerow(dataset.headers)
    for row in dataset:
        writer.writerow([_csv_cell(value) for value in row])
    return stream.getvalue()


def csv_delimiter(text):
    """The separator of a CSV text, read from its first row: ``;`` (French Excel), ``,`` or a
    tab, whichever splits that row into the most cells (``,`` when none does)."""
    first = next(iter(io.StringIO(text, newline="")), "")
    counts = {
        delimiter: len(next(csv.reader([first], delimiter=delimiter), []))
        for delimiter in (",", ";", "\t")
    }
    return max(counts, key=lambda delimiter: (counts[delimiter], delimiter == ","))


class _NeutralisingWriter:
    def __init__(self, writer):
        self._writer = writer

    def writerow(self, row):
        return self._writer.writerow(neutralised(row))

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def csv_writer(stream, **kwargs):
    """``csv.writer(stream)`` whose rows are neutralised cell by cell."""
    return _NeutralisingWriter(csv.writer(stream, **kwargs))


# Files in -----------------------------------------------------------------------------------

# Members openpyxl does not parse in read-only mode, and that are not always XML (legacy VML).
UNPARSED_EXTENSIONS = {
    "bin",
    "bmp",
    "emf",
    "gif",
    "jpeg",
    "jpg",
    "png",
    "tif",
    "tiff",
    "vml",
    "wmf",
    "wdp",
}
WHOLE_PARTS = {"[Content_Types].xml", "xl/styles.xml", "docProps/core.xml", "docProps/app.xml"}
OFFICE_DOCUMENT = "/officeDocument"
WORKSHEET = "/worksheet"
SHARED_STRINGS = "/sharedStrings"
CELL_REFERENCE = re.compile(r"([A-Za-z]{1,3})(\d+)$")
READ_CHUNK = 64 * 1024
# What openpyxl and zipfile raise on a damaged archive or part (they raise whatever they meet).
DAMAGED = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    EOFError,
    OSError,
    NotImplementedError,  # a compression method zipfile does not know
    RuntimeError,  # an encrypted member
    KeyError,
    IndexError,
    TypeError,
    ValueError,
    AttributeError,
)


def _megabytes(size):
    return format_number(max(size, 1) / MIB, 1)


def _unreadable():
    return SpreadsheetError([_("Ce classeur .xlsx est illisible.")])


@dataclass
class PartShape:
    """What streaming one XML part found: its extent and the formulas it holds without a
    computed value (openpyxl's ``data_only`` reads those as empty)."""

    rows: int = 0
    max_row: int = 0
    max_column: int = 0
    formulas_without_value: list = field(default_factory=list)


@dataclass
class CheckedWorkbook:
    sheets: list  # [(sheet name, part name)] in workbook order
    shapes: dict  # {part name: PartShape}

    def part_of(self, sheet_name):
        return next((part for name, part in self.sheets if name == sheet_name), None)


class _Refused(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


def _column_index(letters):
    index = 0
    for letter in letters.upper():
        index = index * 26 + ord(letter) - ord("A") + 1
    return index


def _column_letters(index):
    letters = ""
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


class _PartScan:
    """expat handlers for one part: refuse a DTD, bound rows, columns, shared strings and the
    elements openpyxl would hold at once (the whole part outside rows and shared strings, one
    row or one shared string inside), and note formulas without a computed value."""

    RECORDS = ("row", "si")  # openpyxl builds one of these at a time, then clears it

    def __init__(self, label, limits, on_start=None):
        self.label, self.limits, self.on_start = label, limits, on_start
        self.shape = PartShape()
        self.row = 0
        self.column = 0
        self.strings = 0
        self.record = None  # "row" or "si" while inside one
        self.record_elements = 0
        self.other_elements = 0
        self.cell = None  # [reference, has formula, has value] of the open <c>
        self.cell_type = None
        self.in_value = False

    def refuse_dtd(self, *args):
        raise _Refused(
            _("%(where)s : déclaration DOCTYPE refusée (un classeur Excel n'en contient jamais).")
            % {"where": self.label}
        )

    def _too_many_elements(self, limit):
        raise _Refused(
            _("%(where)s : plus de %(limit)s éléments XML (limite : %(limit)s).")
            % {"where": self.label, "limit": format_number(limit)}
        )

    def start(self, name, attrs):
        local = name.rpartition(" ")[2]
        if self.on_start is not None:
            self.on_start(local, attrs)
        if self.record is not None:
            self.record_elements += 1
            if self.record_elements > self.limits.max_record_elements:
                self._too_many_elements(self.limits.max_record_elements)
        elif local in self.RECORDS:
            self.record, self.record_elements = local, 0
        else:
            self.other_elements += 1
            if self.other_elements > self.limits.max_other_elements:
                self._too_many_elements(self.limits.max_other_elements)
        if local == "row" and self.record == "row" and not self.record_elements:
            self._row(attrs)
        elif local == "si" and self.record == "si" and not self.record_elements:
            self._shared_string()
        elif local == "c" and self.record == "row":
            self._cell(attrs)
        elif local == "f" and self.cell is not None:
            self.cell[1] = True
        elif local == "v" and self.cell is not None:
            # openpyxl reads an empty <v> as None, except a formula's empty text result.
            self.in_value = True
            self.cell[2] = self.cell[2] or self.cell_type == "str"

    def text(self, data):
        if self.in_value and data:
            self.cell[2] = True

    def end(self, name):
        local = name.rpartition(" ")[2]
        if local == "v":
            self.in_value = False
        elif local == "c" and self.cell is not None:
            reference, has_formula, has_value = self.cell
            if has_formula and not has_value:
                self.shape.formulas_without_value.append(reference)
            self.cell = None
        elif local == self.record:  # rows and shared strings do not nest
            self.record = self.cell = None

    def _row(self, attrs):
        number = attrs.get("r", "")
        self.row = int(number) if number.isdigit() else self.row + 1
        self.column = 0
        self.shape.rows += 1
        self.shape.max_row = max(self.shape.max_row, self.row)
        if self.row > self.limits.max_rows or self.shape.rows > self.limits.max_rows:
            raise _Refused(
                _("%(where)s : la ligne %(row)s dépasse la limite de %(limit)s lignes.")
                % {
                    "where": self.label,
                    "row": format_number(max(self.row, self.shape.rows)),
                    "limit": format_number(self.limits.max_rows),
                }
            )

    def _shared_string(self):
        self.strings += 1
        if self.strings > self.limits.max_shared_strings:
            raise _Refused(
                _("%(where)s : plus de %(limit)s textes (limite : %(limit)s).")
                % {"where": self.label, "limit": format_number(self.limits.max_shared_strings)}
            )

    def _cell(self, attrs):
        match = CELL_REFERENCE.match(attrs.get("r", ""))
        self.column = _column_index(match.group(1)) if match else self.column + 1
        self.shape.max_column = max(self.shape.max_column, self.column)
        reference = f"{_column_letters(self.column)}{self.row}"
        if self.column > self.limits.max_columns:
            raise _Refused(
                _(
                    "%(where)s, cellule %(cell)s : la colonne dépasse la limite de "
                    "%(limit)s colonnes."
                )
                % {"where": self.label, "cell": reference, "limit": self.limits.max_columns}
            )
        self.cell = [reference, False, False]
        self.cell_type = attrs.get("t", "n")


def _scan_part(archive, info, label, limits, on_start=None):
    """Stream one XML part through expat; return its :class:`PartShape` or raise _Refused."""
    scan = _PartScan(label, limits, on_start)
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = scan.refuse_dtd
    parser.EntityDeclHandler = scan.refuse_dtd
    parser.StartElementHandler = scan.start
    parser.EndElementHandler = scan.end
    parser.buffer_text = True
    parser.CharacterDataHandler = scan.text
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(READ_CHUNK):
                parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError as error:
        raise _Refused(
            _(
                "%(where)s : XML mal formé (ligne %(line)s, colonne %(column)s) ; le fichier "
                "est endommagé."
            )
            % {"where": label, "line": error.lineno, "column": error.offset + 1}
        ) from error
    return scan.shape


def _part_label(part):
    return _("Partie %(part)s") % {"part": part}


def _resolve(base_part, target):
    """A relationship's target as a member name, relative to the part that declares it."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(base_part), target))


def _rels_of(part):
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def _relationships(archive, members, part, limits):
    """``{id: (type, member name)}`` of ``part``'s relationships (empty if it has none)."""
    rels = _rels_of(part)
    if rels not in members:
        return {}
    found = {}

    def collect(local, attrs):
        if local == "Relationship" and "Id" in attrs and "Target" in attrs:
            found[attrs["Id"]] = (attrs.get("Type", ""), _resolve(part, attrs["Target"]))

    _scan_part(archive, members[rels], _part_label(rels), limits, collect)
    return found


def _sheets(archive, members, limits):
    """``(workbook part, [(sheet name, part)], shared strings part)`` read from the package's relationships,
    the way spreadsheet programs and openpyxl find them."""
    package = _relationships(archive, members, "", limits)
    workbook = next(
        (target for kind, target in package.values() if kind.endswith(OFFICE_DOCUMENT)), None
    )
    if workbook not in members:
        raise _Refused(_("Ce fichier n'est pas un classeur .xlsx."))
    relationships = _relationships(archive, members, workbook, limits)
    sheets, roots = [], []

    def collect(local, attrs):
        if not roots:
            roots.append(local)
        if local != "sheet":
            return
        relation = next((value for key, value in attrs.items() if key.endswith(" id")), None)
        kind, target = relationships.get(relation, ("", None))
        if kind.endswith(WORKSHEET) and target in members:
            sheets.append((attrs.get("name", ""), target))

    _scan_part(archive, members[workbook], _part_label(workbook), limits, collect)
    if roots != ["workbook"]:  # another Office document (a .docx renamed…)
        raise _Refused(_("Ce fichier n'est pas un classeur .xlsx."))
    shared = next(
        (target for kind, target in relationships.values() if kind.endswith(SHARED_STRINGS)),
        None,
    )
    return workbook, sheets, shared


def _check_archive(archive, limits, what):
    infos = archive.infolist()
    if len(infos) > limits.max_members:
        raise _Refused(
            _("Le %(what)s contient %(count)s parties (limite : %(limit)s).")
            % {
                "what": what,
                "count": format_number(len(infos)),
                "limit": format_number(limits.max_members),
            }
        )
    total = sum(info.file_size for info in infos)
    if total > limits.max_uncompressed:
        raise _Refused(
            _(
                "Une fois décompressé, le %(what)s ferait %(size)s Mo (limite : %(limit)s Mo) : "
                "il ressemble à une bombe de décompression."
            )
            % {
                "what": what,
                "size": _megabytes(total),
                "limit": _megabytes(limits.max_uncompressed),
            }
        )
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > limits.ratio_exempt and ratio > limits.max_ratio:
            raise _Refused(
                _(
                    "La partie %(part)s du %(what)s est compressée %(ratio)s fois (limite : "
                    "%(limit)s fois) : il ressemble à une bombe de décompression."
                )
                % {
                    "part": info.filename,
                    "what": what,
                    "ratio": format_number(ratio),
                    "limit": limits.max_ratio,
                }
            )
        if info.flag_bits & 0x1:
            raise _Refused(
                _("Ce %(what)s est protégé par un mot de passe : enlevez-le.") % {"what": what}
            )
    return {info.filename: info for info in infos}


def check_archive(archive, limits=Limits(), *, what):
    """Check a zip-based document (``what``: « document », « classeur ») from its directory,
    without inflating anything: member count, inflated total, compression ratio of each
    member, encryption. Returns ``{name: ZipInfo}``; raises :class:`SpreadsheetError`."""
    try:
        return _check_archive(archive, limits, what)
    except _Refused as refusal:
        raise SpreadsheetError([refusal.message]) from refusal


def check_xlsx(data, limits=Limits()):
    """Check an .xlsx before anything parses it; return a :class:`CheckedWorkbook`.

    Raises :class:`SpreadsheetError`. Reads at most each member once, as a stream."""
    if len(data) > limits.max_bytes:
        raise SpreadsheetError(
            [
                _("Le fichier dépasse la taille maximale de %(size)s Mo.")
                % {"size": limits.max_bytes // MIB}
            ]
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except DAMAGED as error:
        raise SpreadsheetError(
            [_("Ce fichier n'est pas un classeur .xlsx (ce n'est pas une archive zip valide).")]
        ) from error
    with archive:
        try:
            members = _check_archive(archive, limits, _("classeur"))
            workbook, sheets, shared = _sheets(archive, members, limits)
            if not sheets:
                raise _Refused(_("Ce classeur ne contient aucune feuille."))
            names = {part: name for name, part in sheets}
            # Sheets and shared strings are read as streams; openpyxl parses every other part
            # whole, and some by a fixed name whatever the relationships say.
            streamed = (set(names) | {shared}) - {workbook, *WHOLE_PARTS}
            shapes = {}
            for part, info in members.items():
                if part.endswith("/") or part.rpartition(".")[2].lower() in UNPARSED_EXTENSIONS:
                    continue
                label = (
                    _("Feuille %(sheet)s") % {"sheet": names[part]}
                    if part in names
                    else _part_label(part)
                )
                if part not in streamed and info.file_size > limits.max_part:
                    raise _Refused(
                        _("%(where)s : %(size)s Mo (limite : %(limit)s Mo).")
                        % {
                            "where": label,
                            "size": _megabytes(info.file_size),
                            "limit": _megabytes(limits.max_part),
                        }
                    )
                shapes[part] = _scan_part(archive, info, label, limits)
        except _Refused as refusal:
            raise SpreadsheetError([refusal.message]) from refusal
        except DAMAGED as error:
            raise _unreadable() from error
    return CheckedWorkbook(sheets=sheets, shapes=shapes)


@dataclass
class SheetRows:
    title: str
    rows: list  # [(row number, (value, …))], every row as wide as the sheet
    width: int
    formulas_without_value: list  # cell references, e.g. "D12"

    def formula_warnings(self):
        return [
            _("Feuille %(sheet)s, cellule %(cell)s : formule sans valeur calculée, ignorée.")
            % {"sheet": self.title, "cell": reference}
            for reference in self.formulas_without_value
        ]


def read_xlsx(data, limits=Limits(), sheet=0):
    """The values of one sheet (the first by default) of a checked .xlsx, computed values for
    formulas (a formula without one reads as None and is listed in ``formulas_without_value``).

    Raises :class:`SpreadsheetError`."""
    from openpyxl import load_workbook

    checked = check_xlsx(data, limits)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except DAMAGED as error:
        raise _unreadable() from error
    try:
        if sheet >= len(workbook.worksheets):
            raise SpreadsheetError([_("Ce classeur ne contient aucune feuille.")])
        worksheet = workbook.worksheets[sheet]
        part = checked.part_of(worksheet.title)
        if part not in checked.shapes:
            raise _unreadable()
        shape = checked.shapes[part]
        # The <dimension> a file declares is not trusted: the streamed shape bounds the read.
        worksheet.reset_dimensions()
        rows = []
        if shape.max_row and shape.max_column:
            cells = worksheet.iter_rows(
                min_row=1,
                max_row=shape.max_row,
                min_col=1,
                max_col=shape.max_column,
                values_only=True,
            )
            for number, values in enumerate(cells, start=1):
                if number > limits.max_rows:
                    break
                rows.append((number, values))
        return SheetRows(
            title=worksheet.title,
            rows=rows,
            width=shape.max_column,
            formulas_without_value=shape.formulas_without_value,
        )
    except DAMAGED as error:
        raise _unreadable() from error
    finally:
        workbook.close()


def read_csv(text, limits=Limits(), delimiter=","):
    """Rows of a CSV text as lists of strings, refused past the bounds (stops at the first row
    over them). Raises :class:`SpreadsheetError`."""
    if len(text) > limits.max_bytes:
        raise SpreadsheetError(
            [
                _("Le fichier dépasse la taille maximale de %(size)s Mo.")
                % {"size": limits.max_bytes // MIB}
            ]
        )
    if (nul := text.find("\x00")) >= 0:
        raise SpreadsheetError(
            [
                _("Ligne %(row)s : caractère nul (0x00) refusé.")
                % {"row": format_number(text.count("\n", 0, nul) + 1)}
            ]
        )
    rows = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for row in reader:
            if len(rows) >= limits.max_rows:
                raise SpreadsheetError(
                    [
                        _("Ligne %(row)s : le fichier dépasse la limite de %(limit)s lignes.")
                        % {
                            "row": format_number(reader.line_num),
                            "limit": format_number(limits.max_rows),
                        }
                    ]
                )
            if len(row) > limits.max_columns:
                raise SpreadsheetError(
                    [
                        _("Ligne %(row)s : %(count)s colonnes (limite : %(limit)s colonnes).")
                        % {
                            "row": format_number(reader.line_num),
                            "count": format_number(len(row)),
                            "limit": limits.max_columns,
                        }
                    ]
                )
            rows.append(row)
    except csv.Error as error:
        raise SpreadsheetError(
            [
                _("Ligne %(row)s : le fichier CSV est mal formé.")
                % {"row": format_number(reader.line_num)}
            ]
        ) from error
    return rows
