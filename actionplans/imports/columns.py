"""Which column holds what, read from a plan table's header rows.

A table copied from Word keeps one cell per column only when nothing is merged; a ``.docx``,
``.pdf`` or ``.xlsx`` table always does. :func:`columns_from_header` reads the header (one row,
or two when « Budget » or « Résultats attendus » is merged over RH | HR | Autres or
Indicateurs | Cibles) into a :class:`Columns` map; the parser then reads each measure row of the
same width by column. A header whose second row does not sit under its first (what a text copy
of merged cells gives) is no map at all: those rows are read by position, as before.
"""

import re
from dataclasses import dataclass, field

TITLE = "title"
RESPONSIBILITY = "responsibility"
SCHEDULE = "schedule"
STAFF = "staff"
HOURS = "hours"
OTHER = "other"
BUDGET = "budget"  # a « Budget » column with no sub-columns: cells read as before
TOTAL = "total"
SOURCE = "source"  # an amount by funding source: « PAC (MIFI) | MRC | Autres »
RESULTS = "results"
INDICATOR = "indicator"
TARGET = "target"
YEAR = "year"  # a fiscal year (« 2007-2008 »): an X under it schedules the measure that year

WORDS = {
    TITLE: {
        "moyens d'action",
        "moyen d'action",
        "moyens d'actions",
        "actions",
        "action",
        "mesures",
        "mesure",
        "actions prévues",
    },
    RESPONSIBILITY: {
        "responsables partenaires",
        "responsables et partenaires",
        "responsables",
        "responsable",
        "partenaires",
        "porteurs",
        "porteur",
    },
    SCHEDULE: {"échéance", "échéancier", "échéances", "calendrier", "année", "années"},
    BUDGET: {
        "budget",
        "budget prévu",
        "budgets",
        "financement",
        "sources de financement",
        "source de financement",
    },
    STAFF: {"rh", "ressources humaines"},
    HOURS: {"hr", "heures", "h"},
    OTHER: {"autres", "autres dépenses"},
    TOTAL: {"total", "budget total", "total ($)"},
    RESULTS: {"résultats attendus", "résultat attendu"},
    INDICATOR: {"indicateurs", "indicateur", "indicateurs de résultats"},
    TARGET: {"cibles", "cible"},
}
ROLE_OF_WORD = {word: role for role, words in WORDS.items() for word in words}
BUDGET_ROLES = {STAFF, HOURS, OTHER, TOTAL, SOURCE, BUDGET}
# What a merged first-row label may hold under it in the second row.
CHILDREN = {
    BUDGET: {STAFF, HOURS, OTHER, TOTAL, SOURCE},
    RESULTS: {INDICATOR, TARGET},
    INDICATOR: {INDICATOR, TARGET},
    YEAR: {YEAR},
    SCHEDULE: {YEAR},
}
FISCAL_YEAR = re.compile(r"^((?:19|20)\d\d)\s*[-–/]\s*(?:(?:19|20)?\d\d)$")
MARKS = {"x", "✓", "✔", "oui", "•", "●"}


def normalise(text):
    return re.sub(r"\s+", " ", text.replace("’", "'")).strip().lower().rstrip(" :")


def fiscal_year(label):
    """``"2007-2008"`` → 2007 (the year the fiscal year starts, on 1 April); else None."""
    match = FISCAL_YEAR.match(label.strip())
    if not match:
        return None
    start = int(match.group(1))
    end = label.strip()[-2:]
    return start if int(end) == (start + 1) % 100 else None


def is_mark(text):
    return normalise(text) in MARKS


def _role(label):
    if fiscal_year(label) is not None:
        return YEAR
    return ROLE_OF_WORD.get(normalise(label))


def is_header(cells):
    """A header row: every label is a known column name or a fiscal year, or the row starts
    with the measures' column name (« Moyens d'action », « Actions ») and may name funding
    sources after it."""
    labels = [cell for cell in cells if cell]
    if not labels:
        return False
    roles = [_role(label) for label in labels]
    if roles[0] == TITLE and cells[0] == labels[0]:
        return True
    # Two column names at least: a lone « Total : » or « Budget » is a label, not a header.
    return all(roles) and len(labels) >= 2 and set(roles) != {TOTAL}


@dataclass
class Columns:
    """``roles``: ``{column index: (role, label as written)}``; ``width``: the header's number of
    cells, which a row must have to be read by column."""

    width: int
    roles: dict = field(default_factory=dict)

    def role(self, index):
        return self.roles.get(index, (None, ""))[0]

    def label(self, index):
        return self.roles.get(index, (None, ""))[1]

    @property
    def years(self):
        return sorted(fiscal_year(label) for role, label in self.roles.values() if role == YEAR)

    def has(self, role):
        return any(value[0] == role for value in self.roles.values())


def _spans(cells):
    """``{index of a label: indexes it covers}``: a label covers the empty cells after it."""
    starts = [index for index, cell in enumerate(cells) if cell]
    ends = [*starts[1:], len(cells)]
    return {start: range(start, end) for start, end in zip(starts, ends, strict=True)}


def _first_row_roles(cells):
    roles = {index: _role(cell) for index, cell in enumerate(cells) if cell}
    # A label nobody knows next to budget columns is a funding source (« PAC (MIFI) | MRC »).
    changed = True
    while changed:
        changed = False
        for index in [index for index, role in roles.items() if role is None]:
            labelled = sorted(roles)
            position = labelled.index(index)
            neighbours = labelled[max(position - 1, 0) : position] + labelled[position + 1 :][:1]
            if any(roles[other] in BUDGET_ROLES for other in neighbours):
                roles[index], changed = SOURCE, True
    return roles


def columns_from_header(first, second=None):
    """The :class:`Columns` of a one- or two-row header, or None when the rows do not line up
    (the second row's labels must sit under a first-row label that can hold them)."""
    first = list(first)
    roles = _first_row_roles(first)
    result = {index: (role, first[index]) for index, role in roles.items() if role}
    if second is not None:
        second = list(second)
        if len(second) != len(first):
            return None
        spans = _spans(first)
        for parent, covered in spans.items():
            children = [index for index in covered if second[index]]
            if not children:
                continue
            parent_role = roles.get(parent)
            for index in children:
                role = _role(second[index]) or SOURCE
                if role not in CHILDREN.get(parent_role, set()):
                    return None
                result[index] = (role, second[index])
            if parent not in children:
                result.pop(parent, None)
        for index, cell in enumerate(second):
            if cell and not any(index in covered for covered in spans.values()):
                return None
    spans = _spans(first)
    for index, (role, label) in list(result.items()):
        covered = [i for i in spans.get(index, [index]) if i not in result or i == index]
        if role == BUDGET:
            for other in covered:
                result[other] = (BUDGET, label)
        elif role == RESULTS:
            if len(covered) >= 2:
                result[covered[0]] = (INDICATOR, label)
                result[covered[1]] = (TARGET, label)
            else:
                result[index] = (TARGET, label)
    if any(role == SOURCE for role, _ in result.values()):
        result = {
            index: (SOURCE, label) if role == OTHER else (role, label)
            for index, (role, label) in result.items()
        }
    result[0] = (TITLE, first[0] or (second[0] if second else ""))
    return Columns(width=len(first), roles=result)


def is_second_header_row(cells, first):
    """A row right under a header that names its sub-columns: empty under the measures' column,
    its labels under a « Budget », « Résultats attendus » or « Échéance » label."""
    if not cells or cells[0] or not any(cells):
        return False
    return columns_from_header(first, cells) is not None and all(
        _role(cell) or _under_budget(index, first) for index, cell in enumerate(cells) if cell
    )


def _under_budget(index, first):
    for parent, covered in _spans(first).items():
        if index in covered:
            return _role(first[parent]) == BUDGET
    return False
