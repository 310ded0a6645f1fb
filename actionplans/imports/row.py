"""The unit every reader produces (``rows.py`` picks the reader)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    """One row of the document: its line (or row) number, its cells' text (line breaks inside a
    cell kept as ``\n``), and whether the document shades it (a grey background in Word)."""

    line: int
    cells: tuple = ()
    shaded: bool = False
