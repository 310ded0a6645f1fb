"""A PDF plan (as a word processor exports it) as rows: its ruled tables and the text between.

pdfplumber finds the ruled tables of each page; every table row is a row of its grid cells
(a merged cell keeps its text in its first column). The text outside the tables (titles,
« AXE 1 : … », « Objectif spécifique 1.1 : … ») is a row of one cell per paragraph, placed by
its height among the tables; a page without a table gives its text that way.

Inside a cell, a line that ends because the next word would not fit is a wrap, joined with a
space; a line that ends earlier was ended by its author and stays a ``\\n`` (two indicators,
two targets), and a bullet (``•``) becomes ``- ``, as in the Word reader.

A table row cut by a page break continues on the next page, under the repeated header rows:
when the next page opens on the same table (nothing above it) and its first row does not
start a row of its own (its first cell is empty or starts in lower case, and it is not a
« Total » line), that row is joined to the last one cell by cell. A row is shaded when filled
rectangles of a colour other than white lie behind most of it.
"""

import bisect
import io
import re
from dataclasses import dataclass, field

import pdfplumber
from django.utils.translation import gettext as _
from pdfminer.layout import LTChar

from actionplans.imports.errors import PlanParseError
from actionplans.imports.row import Row

MAX_PAGES = 200
BULLETS = ("\uf0b7", "\u2022", "\u25aa", "\u25e6", "\u2023", "\uf0a7", "\uf076")
# Words after which a line goes on (« de la / Beauce »), whatever the case of the next one.
RUNS_ON = {
    "à",
    "au",
    "aux",
    "d'",
    "de",
    "des",
    "du",
    "en",
    "et",
    "l'",
    "la",
    "le",
    "les",
    "ou",
    "par",
    "pour",
    "sur",
}
NUMBER = re.compile(r"^\d+(?:\.\d+)*\.?$")
UNBREAKABLE_AFTER = {":", ";", "!", "?", "»", ")"}
CAPITALISED = re.compile(r"^[A-ZÀ-Ý][a-zà-ÿ]")
SHADED_COVER = 0.5


@dataclass
class _Table:
    top: float
    rows: list  # [[cells], shaded]
    header: list = field(default_factory=list)  # the leading rows, to recognise them repeated


def _lines(words):
    """Words grouped into lines, top to bottom, each line left to right: a word whose middle
    lies within the line's first word's height is on that line (a bullet drawn in another
    font sits a little higher or lower)."""
    lines = []
    for word in sorted(words, key=lambda word: (word["top"], word["x0"])):
        middle = (word["top"] + word["bottom"]) / 2
        if lines and lines[-1][0]["top"] <= middle <= lines[-1][0]["bottom"]:
            lines[-1].append(word)
        else:
            lines.append([word])
    return [sorted(line, key=lambda word: word["x0"]) for line in lines]


def _line_text(line):
    text = " ".join(word["text"] for word in line)
    for bullet in BULLETS:
        if text.startswith(bullet):
            return "- " + text[len(bullet) :].lstrip()
    return text


def _first_unit_width(line):
    """The width of a line's first word with the punctuation that cannot start a line after it
    (« stratégique : » wraps as one)."""
    end = line[0]["x1"]
    for word in line[1:]:
        if word["text"] not in UNBREAKABLE_AFTER:
            break
        end = word["x1"]
    return end - line[0]["x0"]


def _separator(text, previous, line, edge):
    """How a cell's line follows the previous one: ``\n`` where its author ended the line,
    a space where the line wrapped, nothing inside a word cut at its hyphen."""
    first, last = line[0], previous[-1]
    space = (first["bottom"] - first["top"]) * 0.3
    if last["x1"] + space + _first_unit_width(line) <= edge or _line_text(line).startswith("- "):
        return "\n"
    if text.endswith("-") and text[-2:-1].isalpha():
        return ""
    label = len(previous) == 1 and NUMBER.match(last["text"])
    if (
        CAPITALISED.match(first["text"])
        and not label
        and last["text"].lower() not in RUNS_ON
        and not last["text"].endswith(",")
    ):
        return "\n"
    return " "


def _cell_text(words, left, right):
    """A cell's text: wrapped lines joined with a space, lines its author ended with ``\n``.

    A line ended by its author is one after which the next line's first word would have fit;
    when it would not have, a next line starting with a capitalised word is taken for a new
    item (indicators, organisations), unless the line ends with a comma or a word such as
    « de » that a phrase goes on after."""
    lines = _lines(words)
    if not lines:
        return ""
    padding = max(0.0, min(line[0]["x0"] for line in lines) - left)
    edge = right - padding
    text = _line_text(lines[0])
    for previous, line in zip(lines, lines[1:], strict=False):
        text = f"{text}{_separator(text, previous, line, edge)}{_line_text(line)}"
    return text


class _Words:
    """A page's words, found by the box they lie in (by their middle)."""

    def __init__(self, words):
        self.words = sorted(words, key=lambda word: (word["top"] + word["bottom"]) / 2)
        self.middles = [(word["top"] + word["bottom"]) / 2 for word in self.words]

    def within(self, x0, top, x1, bottom):
        start = bisect.bisect_left(self.middles, top)
        end = bisect.bisect_right(self.middles, bottom)
        return [word for word in self.words[start:end] if x0 <= (word["x0"] + word["x1"]) / 2 <= x1]


def _white(colour):
    if colour is None:
        return True
    if isinstance(colour, int | float):
        colour = (colour,)
    values = [value for value in colour if isinstance(value, int | float)]
    if len(values) == 4:  # CMYK: white is no ink
        return all(value <= 0.05 for value in values)
    return all(value >= 0.95 for value in values)


def _shaded(box, fills):
    x0, top, x1, bottom = box
    area = (x1 - x0) * (bottom - top)
    if area <= 0:
        return False
    covered = 0.0
    for rect in fills:
        width = min(x1, rect["x1"]) - max(x0, rect["x0"])
        height = min(bottom, rect["bottom"]) - max(top, rect["top"])
        if width > 0 and height > 0:
            covered += width * height
    return covered >= area * SHADED_COVER


def _table_rows(table, words, fills):
    rows = []
    for row in table.rows:
        cells = []
        for box in row.cells:
            if box is None:
                cells.append("")
                continue
            x0, top, x1, bottom = box
            cells.append(_cell_text(words.within(x0, top, x1, bottom), x0, x1))
        if any(cells):
            rows.append([cells, _shaded(row.bbox, fills)])
    return rows


def _inside(word, box):
    x0, top, x1, bottom = box
    middle = (word["top"] + word["bottom"]) / 2
    return x0 <= (word["x0"] + word["x1"]) / 2 <= x1 and top <= middle <= bottom


def _paragraphs(words, tables):
    """``[(top, text)]`` of the text outside the tables, a paragraph per block of lines."""
    outside = [word for word in words if not any(_inside(word, table.bbox) for table in tables)]
    paragraphs = []
    previous = None
    for line in _lines(outside):
        size = line[0]["bottom"] - line[0]["top"]
        text = _line_text(line)
        same_size = previous is not None and abs(previous[1] - size) < 0.5
        close = previous is not None and line[0]["top"] - previous[0] < size * 0.5
        if same_size and close and not text.startswith("- "):
            paragraphs[-1][1] = f"{paragraphs[-1][1]} {text}"
        else:
            paragraphs.append([line[0]["top"], text])
        previous = (line[0]["bottom"], size)
    return [(top, text) for top, text in paragraphs]


def _continues(row, previous):
    """Whether ``row``, first on its page, is the rest of ``previous`` cut by the page break."""
    cells = row[0]
    if len(cells) != len(previous[0]) or any(cell.lower().startswith("total") for cell in cells):
        return False
    first = cells[0]
    return not first or first[0].islower()


def _join(previous, row):
    """The two halves of a row cut by a page break, cell by cell: a sentence that goes on in
    lower case is joined with a space, anything else starts a line."""
    previous[0] = [
        f"{above}{' ' if below[:1].islower() else chr(10)}{below}"
        if above and below
        else above or below
        for above, below in zip(previous[0], row[0], strict=True)
    ]
    previous[1] = previous[1] or row[1]


def _plain_chars(page):
    """Have ``page`` turn pdfminer's characters into pdfplumber's dicts the quick way.

    pdfplumber's ``Page.process_object`` resolves every attribute of every object and reads
    each character's colours from its graphic state: on a 30-page plan that is a third of the
    reading time, for 60 000 characters whose colour and colour space nothing here reads. A
    character gets the keys pdfplumber gives it but those (``ncs``, ``stroking_color``,
    ``non_stroking_color``, ``mcid``, ``tag``), with the same values; every other object
    (rectangles, lines, curves, images) still goes through pdfplumber, and so does everything
    when the document was opened to normalise its text's Unicode."""
    if page.pdf.unicode_norm is not None:
        return
    general = page.process_object
    height = page.height
    x_offset, y_offset = page.mediabox[:2]
    initial_doctop = page.initial_doctop
    page_number = page.page_number

    def process_object(obj):
        if type(obj) is not LTChar:
            return general(obj)
        top = (height - obj.y1) + y_offset
        return {
            "adv": obj.adv,
            "height": obj.height,
            "size": obj.size,
            "width": obj.width,
            "x0": obj.x0 + x_offset,
            "x1": obj.x1 + x_offset,
            "y0": obj.y0,
            "y1": obj.y1,
            "matrix": obj.matrix,
            "upright": obj.upright,
            "fontname": obj.fontname,
            "object_type": "char",
            "page_number": page_number,
            "text": obj.get_text(),
            "top": top,
            "bottom": (height - obj.y0) + y_offset,
            "doctop": initial_doctop + top,
        }

    page.process_object = process_object


def _page_blocks(page):
    """``[(top, text or _Table)]`` of one page, top to bottom."""
    _plain_chars(page)
    words = page.extract_words(keep_blank_chars=False, use_text_flow=False)
    found = page.find_tables()
    fills = [
        rect
        for rect in page.rects
        if rect.get("fill") and not _white(rect.get("non_stroking_color"))
    ]
    by_box = _Words(words)
    blocks = [
        (table.bbox[1], _Table(table.bbox[1], _table_rows(table, by_box, fills))) for table in found
    ]
    blocks.extend(_paragraphs(words, found))
    blocks.sort(key=lambda block: block[0])
    return blocks, bool(words)


def rows_from_pdf(data):
    """``(rows, warnings)`` of a PDF; PlanParseError if it cannot be read or has no text."""
    try:
        document = pdfplumber.open(io.BytesIO(data))
    except Exception as error:  # pdfminer raises whatever a damaged file makes it meet
        raise PlanParseError([_damaged()]) from error
    out = []  # [[cells], shaded], in reading order
    with document:
        try:
            pages = document.pages
        except Exception as error:  # the same: a damaged page tree
            raise PlanParseError([_damaged()]) from error
        if len(pages) > MAX_PAGES:
            raise PlanParseError(
                [
                    _("Ce PDF a %(count)s pages (limite : %(limit)s pages).")
                    % {"count": len(pages), "limit": MAX_PAGES}
                ]
            )
        with_text = 0
        last_table = None  # the previous page's table, if that page ended on it
        for page in pages:
            try:
                blocks, has_text = _page_blocks(page)
            except Exception as error:  # the same
                raise PlanParseError([_damaged()]) from error
            finally:
                page.close()
            with_text += has_text
            for index, (_top, block) in enumerate(blocks):
                if not isinstance(block, _Table):
                    out.append([[block], False])
                    continue
                rows = block.rows
                if index == 0 and last_table is not None and rows:
                    repeated = 0
                    while (
                        repeated < min(len(rows), len(last_table.header))
                        and rows[repeated][0] == last_table.header[repeated][0]
                    ):
                        repeated += 1
                    block.header = last_table.header
                    if repeated < len(rows) and _continues(rows[repeated], last_table.rows[-1]):
                        _join(last_table.rows[-1], rows.pop(repeated))
                else:
                    block.header = list(rows[:3])
                out.extend(rows)
            last = blocks[-1][1] if blocks else None
            last_table = last if isinstance(last, _Table) and last.rows else None
    if not with_text:
        raise PlanParseError(
            [
                _(
                    "Ce PDF ne contient aucun texte : c'est sans doute un document numérisé (des "
                    "images de pages). Déposez le document Word d'origine ou un PDF enregistré "
                    "depuis le traitement de texte."
                )
            ]
        )
    return [
        Row(number, tuple(cells), shaded) for number, (cells, shaded) in enumerate(out, start=1)
    ], []


def _damaged():
    return _("Ce PDF est endommagé ou incomplet : il n'a pas pu être lu.")
