"""Read an action plan as coordinators write it: a Word or PDF table copied as text, or an .xlsx.

The layout is the one of the Beauce plan (``fixtures/plans/beauce-2022-2025.txt``): ``AXE n :``
and ``Objectif spécifique n.n :`` header lines, repeated column headers, one row per measure
starting with its number (responsibility, schedule, budget cells, indicator, target), ``Total :``
lines, continuation rows, and plan-level lines such as ``Frais de gestion``.

Nothing here touches the database: :func:`parse_rows` returns a :class:`ParsedPlan` or raises
:class:`PlanParseError` with line-numbered French messages. Whatever cannot be placed becomes a
warning on its measure (or on the plan), never a silent loss.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from actionplans.imports.errors import PlanParseError
from actionplans.imports.limits import field_limit_errors
from actionplans.imports.rows import rows_from_text
from actionplans.imports.targets import ParsedIndicator, read_indicators
from actionplans.numbers import read_number, to_decimal
from common.formatting import format_date

MONTHS = {
    "janvier": 1,
    "février": 2,
    "fevrier": 2,
    "mars": 3,
    "avril": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "août": 8,
    "aout": 8,
    "septembre": 9,
    "octobre": 10,
    "novembre": 11,
    "décembre": 12,
    "decembre": 12,
}

AXIS = re.compile(r"^axe\s+(\d+)\s*[:.–-]\s*(.+)$", re.IGNORECASE)
OBJECTIVE = re.compile(
    r"^objectif(?:\s+sp[ée]cifique)?\s+(\d+(?:\.\d+)*)\s*[:.–-]\s*(.+)$", re.IGNORECASE
)
GENERAL_OBJECTIVE = re.compile(r"^objectif\s+g[ée]n[ée]ral\s*:\s*(.+)$", re.IGNORECASE)
MEASURE = re.compile(r"^(\d+(?:\.\d+){1,3})\.?\s+(.+)$")
TOTAL = re.compile(r"^total\s*:?\s*(.*)$", re.IGNORECASE)
PERIOD = re.compile(
    r"du\s+(\d{1,2})(?:er)?\s+(\w+)\s+(\d{4})\s+au\s+(\d{1,2})(?:er)?\s+(\w+)\s+(\d{4})",
    re.IGNORECASE,
)
YEARS_SPAN = re.compile(r"(20\d\d|19\d\d)\s*[-–]\s*(20\d\d|19\d\d)")
MONEY = re.compile(r"^(\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)(?:[.,](\d{1,2}))?\s*\$\s*(.*)$")
HOURS = re.compile(r"^(\d+(?:[.,]\d+)?)\s*h(?:eures?)?\.?$", re.IGNORECASE)
SCHEDULE_YEARS = re.compile(r"\d")
HEADER_WORDS = {
    "moyens d'action",
    "moyen d'action",
    "responsables partenaires",
    "responsables",
    "partenaires",
    "échéance",
    "échéancier",
    "budget",
    "résultats attendus",
    "rh",
    "hr",
    "heures",
    "autres",
    "indicateurs",
    "indicateur",
    "cibles",
    "cible",
}
EXPENSE_LABELS = {
    "contingency": re.compile(r"^(autres\s+dépenses|imprévus)", re.IGNORECASE),
    "management": re.compile(r"^frais\s+de\s+(gestion|administration)", re.IGNORECASE),
}
NOT_APPLICABLE = {"so", "s.o.", "n/a", "sans objet", "-", "—"}


@dataclass
class ParsedBudget:
    staff_amount: Decimal = Decimal(0)
    staff_hours: Decimal = Decimal(0)
    other_amount: Decimal = Decimal(0)
    description: str = ""
    funding_source: str = ""

    @property
    def total(self):
        return self.staff_amount + self.other_amount

    @property
    def is_empty(self):
        return not (self.total or self.staff_hours or self.description or self.funding_source)


@dataclass
class ParsedMeasure:
    line: int
    number: str
    title: str
    responsibility: str = ""
    schedule_text: str = ""
    years: list = field(default_factory=list)
    is_continuous: bool = False
    budget: ParsedBudget = field(default_factory=ParsedBudget)
    indicator_parts: list = field(default_factory=list)  # cells, line breaks kept
    target_parts: list = field(default_factory=list)
    document_total: Decimal | None = None
    warnings: list = field(default_factory=list)
    indicators: list[ParsedIndicator] = field(default_factory=list)  # set by read_indicators

    def read_indicators(self):
        """Split the indicator and target cells into indicators, each with its targets
        (``actionplans.imports.targets``); what cannot be read is a warning."""
        self.indicators, warnings = read_indicators(
            " ".join(self.indicator_parts), " ".join(self.target_parts)
        )
        self.warnings += warnings

    @property
    def total_matches_document(self):
        return self.document_total is None or self.document_total == self.budget.total


@dataclass
class ParsedObjective:
    line: int
    number: str
    title: str
    measures: list = field(default_factory=list)


@dataclass
class ParsedAxis:
    line: int
    number: int
    title: str
    objectives: list = field(default_factory=list)


@dataclass
class ParsedExpense:
    kind: str
    label: str
    amount: Decimal
    line: int = 0


@dataclass
class ParsedPlan:
    start_date: date | None = None
    end_date: date | None = None
    general_objective: str = ""
    axes: list = field(default_factory=list)
    expenses: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    @property
    def objectives(self):
        return [objective for axis in self.axes for objective in axis.objectives]

    @property
    def measures(self):
        return [measure for objective in self.objectives for measure in objective.measures]

    @property
    def warnings(self):
        return [
            (measure.number, warning) for measure in self.measures for warning in measure.warnings
        ]

    @property
    def budget_total(self):
        measures = sum((measure.budget.total for measure in self.measures), Decimal(0))
        return measures + sum((expense.amount for expense in self.expenses), Decimal(0))


def clean_cell(text):
    """Remove what extraction leaves behind: markdown emphasis, HTML tags, escapes, odd spaces."""
    if text is None:
        return ""
    text = str(text)
    text = re.sub(r"<sup>(.*?)</sup>", r"\1", text, flags=re.IGNORECASE)
    text = re.sub(r"</?(?:p|ul|li|i|b|em|strong|br|span|div|td|tr)\b[^>]*>", " ", text, flags=re.I)
    text = text.replace("\\$", "$").replace("\\*", "*").replace("\\_", "_").replace("\\-", "-")
    text = re.sub(r"\*\*|__", "", text)
    text = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"\1", text)
    text = text.replace("\u00a0", " ").replace("\u202f", " ").replace("\ufeff", "")
    return re.sub(r"\s+", " ", text).strip()


def clean_lines(text):
    """:func:`clean_cell` line by line: a cell holding one indicator (or target) per line."""
    lines = (clean_cell(line) for line in str(text if text is not None else "").splitlines())
    return "\n".join(line for line in lines if line)


def parse_money(text):
    """``"6 000$ firme externe"`` → ``(Decimal(6000), "firme externe")``; None if not money."""
    match = MONEY.match(text)
    if not match:
        return None
    return to_decimal(match.group(1), match.group(2)), match.group(3).strip()


def parse_hours(text):
    if HOURS.match(text) or re.fullmatch(r"\d+(?:[.,]\d+)?", text):
        return read_number(text)
    return None


def looks_like_schedule(text):
    lowered = text.lower()
    return "continu" in lowered or bool(re.match(r"^ans?\b", lowered))


def parse_schedule(text):
    """``"Ans 1, 2 et 3"`` → ``([1, 2, 3], False)``; ``"En continu"`` → ``([], True)``."""
    lowered = text.lower()
    if "continu" in lowered:
        return [], True
    if re.match(r"^ans?\b", lowered):
        return sorted({int(digit) for digit in SCHEDULE_YEARS.findall(text)}), False
    return None


# A plan's dates: real calendar days within these years (a typo such as 2202 is refused).
EARLIEST_YEAR, LATEST_YEAR = 1900, 2100


def _day(day, month, year):
    """``("31", "mars", "2025")`` as a date; None if the month is not a French month name;
    ValueError with a message for the coordinator if the calendar has no such day."""
    number = MONTHS.get(month.lower())
    if number is None:
        return None
    try:
        return date(int(year), number, int(day))
    except ValueError as error:
        raise ValueError(
            _("« %(text)s » n'est pas une date du calendrier.") % {"text": f"{day} {month} {year}"}
        ) from error


def plan_dates_in(text):
    """The plan's start and end written in a document line ("du 1er avril 2022 au 31 mars
    2025", "plan d'action 2022-2025"), else None. A day the calendar does not have
    ("31 février") raises ValueError with a message."""
    match = PERIOD.search(text)
    if match:
        day1, month1, year1, day2, month2, year2 = match.groups()
        start, end = _day(day1, month1, year1), _day(day2, month2, year2)
        if start and end:
            return start, end
    match = YEARS_SPAN.search(text)
    if match and "plan" in text.lower():
        start, end = int(match.group(1)), int(match.group(2))
        if 0 < end - start <= 10:
            return date(start, 4, 1), date(end, 3, 31)
    return None


def plan_period_error(start, end):
    """Why ``start`` and ``end`` cannot be a plan's period (a message), or None."""
    for day in (start, end):
        if day is not None and not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
            return _("%(date)s : l'année d'un plan doit être entre %(first)s et %(last)s.") % {
                "date": format_date(day),
                "first": EARLIEST_YEAR,
                "last": LATEST_YEAR,
            }
    if start is not None and end is not None and end <= start:
        return _("La fin du plan (%(end)s) doit suivre son début (%(start)s).") % {
            "end": format_date(end),
            "start": format_date(start),
        }
    return None


def _is_header(cells):
    words = {cell.lower() for cell in cells if cell}
    return bool(words) and words <= HEADER_WORDS


def _trim(cells):
    cells = list(cells)
    while cells and not cells[-1]:
        cells.pop()
    return cells


class _Parser:
    def __init__(self):
        self.plan = ParsedPlan()
        self.errors = []
        self.axis = None
        self.objective = None
        self.measure = None
        self.seen_numbers = {}

    def feed(self, line, cells):
        cells = list(cells)
        # The same cells with their line breaks: a cell may hold one indicator per line.
        lines = [clean_lines(cell) for cell in cells]
        cells = _trim(clean_cell(cell) for cell in cells)
        self.lines = lines[: len(cells)]
        if not cells:
            return
        first = cells[0]
        for handler in (
            self._axis,
            self._objective,
            self._general_objective,
            self._header,
            self._measure,
            self._total,
            self._expense,
            self._continuation,
        ):
            if handler(line, first, cells):
                return
        self._unplaced(line, cells)

    def _axis(self, line, first, cells):
        match = AXIS.match(first)
        if not match:
            return False
        self.axis = ParsedAxis(line=line, number=int(match.group(1)), title=match.group(2).strip())
        if any(axis.number == self.axis.number for axis in self.plan.axes):
            self.errors.append(
                _("Ligne %(line)s : l'axe %(number)s apparaît deux fois.")
                % {"line": line, "number": self.axis.number}
            )
        self.plan.axes.append(self.axis)
        self.objective = self.measure = None
        return True

    def _objective(self, line, first, cells):
        match = OBJECTIVE.match(first)
        if not match:
            return False
        if self.axis is None:
            self.errors.append(
                _("Ligne %(line)s : l'objectif %(number)s précède tout axe (« AXE 1 : … »).")
                % {"line": line, "number": match.group(1)}
            )
            return True
        number = match.group(1)
        twin = next((o for o in self.axis.objectives if o.number == number), None)
        if twin is not None:
            self.errors.append(
                _(
                    "Ligne %(line)s : l'objectif %(number)s apparaît deux fois dans l'axe "
                    "%(axis)s (déjà à la ligne %(first)s)."
                )
                % {"line": line, "number": number, "axis": self.axis.number, "first": twin.line}
            )
        self.objective = ParsedObjective(line=line, number=number, title=match.group(2).strip())
        self.axis.objectives.append(self.objective)
        self.measure = None
        return True

    def _general_objective(self, line, first, cells):
        match = GENERAL_OBJECTIVE.match(first)
        if match:
            self.plan.general_objective = match.group(1).strip()
        return bool(match)

    def _header(self, line, first, cells):
        return _is_header(cells)

    def _measure(self, line, first, cells):
        match = MEASURE.match(first)
        if not match:
            return False
        number = match.group(1)
        if self.axis is None or self.objective is None:
            self.errors.append(
                _(
                    "Ligne %(line)s : le moyen d'action %(number)s précède tout axe et tout "
                    "objectif (« AXE 1 : … », « Objectif spécifique 1.1 : … »)."
                )
                % {"line": line, "number": number}
            )
            return True
        if number in self.seen_numbers:
            self.errors.append(
                _("Ligne %(line)s : le numéro %(number)s est déjà utilisé à la ligne %(first)s.")
                % {"line": line, "number": number, "first": self.seen_numbers[number]}
            )
            return True
        self.seen_numbers[number] = line
        self.measure = ParsedMeasure(line=line, number=number, title=match.group(2).strip())
        self.objective.measures.append(self.measure)
        self._measure_cells(cells[1:])
        return True

    def _measure_cells(self, cells):
        measure = self.measure
        if cells:
            measure.responsibility = cells[0]
        rest = cells[1:]
        if rest and looks_like_schedule(rest[0]):
            measure.schedule_text = rest.pop(0)
            measure.years, measure.is_continuous = parse_schedule(measure.schedule_text)
        elif rest:
            measure.warnings.append(
                _("Échéance non reconnue : « %(text)s ».") % {"text": rest[0]}
                if rest[0]
                else _("Échéance absente.")
            )
            measure.schedule_text = rest.pop(0)
        if len(rest) >= 2:
            budget_cells, indicator = rest[:-2], rest[-2]
            if indicator.lower() not in NOT_APPLICABLE:
                measure.indicator_parts.append(self.lines[-2])
            measure.target_parts.append(self.lines[-1])
        else:
            budget_cells = rest
        self._budget(budget_cells)

    def _budget(self, cells):
        budget = self.measure.budget
        positional = len(cells) == 3
        for index, cell in enumerate(cells):
            if not cell or cell.lower() in NOT_APPLICABLE:
                continue
            money = parse_money(cell)
            hours = parse_hours(cell) if money is None else None
            if positional and index == 1 and hours is not None:
                budget.staff_hours = hours
            elif money and positional and index == 0:
                budget.staff_amount = money[0]
            elif money:
                budget.other_amount += money[0]
                if money[1]:
                    budget.description = money[1]
            elif hours is not None and not positional:
                budget.staff_hours = hours
            else:
                budget.funding_source = f"{budget.funding_source} {cell}".strip()

    def _total(self, line, first, cells):
        nonempty = [(index, cell) for index, cell in enumerate(cells) if cell]
        total_cells = [(index, TOTAL.match(cell)) for index, cell in nonempty]
        labelled = [(index, match) for index, match in total_cells if match]
        if labelled:
            index, match = labelled[0]
            amount = parse_money(match.group(1))
        elif first == "" and len(nonempty) == 1 and parse_money(nonempty[0][1]):
            index, amount = nonempty[0][0], parse_money(nonempty[0][1])
        else:
            return False
        if self.measure is None:
            self.plan.notes.append(
                _("Ligne %(line)s : total hors mesure « %(text)s ».")
                % {
                    "line": line,
                    "text": " ".join(cell for _, cell in nonempty),
                }
            )
            return True
        if amount:
            self.measure.document_total = amount[0]
        rest = list(cells)
        rest[index] = ""
        self._continuation(line, "", _trim(rest))
        return True

    def _expense(self, line, first, cells):
        for kind, pattern in EXPENSE_LABELS.items():
            if pattern.match(first):
                amounts = [parse_money(cell) for cell in cells[1:] if parse_money(cell)]
                if not amounts:
                    return False
                self.plan.expenses.append(
                    ParsedExpense(kind=kind, label=first, amount=amounts[0][0], line=line)
                )
                self.measure = None
                return True
        return False

    def _continuation(self, line, first, cells):
        if first or self.measure is None:
            return False
        last = len(cells) - 1
        for index, cell in enumerate(cells):
            if not cell:
                continue
            if index == 1:
                self.measure.responsibility = f"{self.measure.responsibility} {cell}".strip()
            elif index == last and index >= 3:
                self.measure.target_parts.append(self.lines[index])
            elif index == last - 1 and index >= 3:
                self.measure.indicator_parts.append(self.lines[index])
            else:
                self.measure.warnings.append(
                    _("Ligne %(line)s : cellule non placée « %(text)s ».")
                    % {"line": line, "text": cell}
                )
        return True

    def _unplaced(self, line, cells):
        text = " ".join(cell for cell in cells if cell)
        if self.measure is not None and len(cells) == 1:
            self.measure.title = f"{self.measure.title} {text}"
            return
        if self.plan.start_date is None:
            self._plan_dates(line, text)
        if self.axis is None:
            self.plan.notes.append(text)
        else:
            self.plan.notes.append(
                _("Ligne %(line)s : texte non placé « %(text)s ».") % {"line": line, "text": text}
            )

    def _plan_dates(self, line, text):
        try:
            period = plan_dates_in(text)
        except ValueError as error:
            self.errors.append(
                _("Ligne %(line)s : %(error)s") % {"line": line, "error": error.args[0]}
            )
            return
        if period is None:
            return
        if problem := plan_period_error(*period):
            self.errors.append(_("Ligne %(line)s : %(error)s") % {"line": line, "error": problem})
            return
        self.plan.start_date, self.plan.end_date = period

    def result(self):
        if not self.plan.axes and not self.plan.measures and not self.errors:
            raise PlanParseError(
                [
                    _(
                        "Aucun axe ni moyen d'action reconnu : le document ne ressemble pas à un "
                        "plan d'action (lignes « AXE 1 : … », « Objectif spécifique 1.1 : … », "
                        "« 1.1.1 … »)."
                    )
                ]
            )
        if not self.plan.measures and not self.errors:
            raise PlanParseError([_("Le document a des axes mais aucun moyen d'action numéroté.")])
        if self.errors:
            raise PlanParseError(self.errors)
        for measure in self.plan.measures:
            measure.read_indicators()
        if errors := field_limit_errors(self.plan):
            raise PlanParseError(errors)
        for measure in self.plan.measures:
            if not measure.total_matches_document:
                measure.warnings.append(
                    _(
                        "Le total du document (%(document)s $) diffère de la somme des lignes "
                        "budgétaires (%(computed)s $)."
                    )
                    % {"document": measure.document_total, "computed": measure.budget.total}
                )
        return self.plan


def parse_rows(rows):
    """Parse :class:`~actionplans.imports.rows.Row` objects into a :class:`ParsedPlan`."""
    parser = _Parser()
    for row in rows:
        parser.feed(row.line, row.cells)
    return parser.result()


def parse_text(text):
    if not text or not text.strip():
        raise PlanParseError([_("Le document est vide.")])
    return parse_rows(rows_from_text(text))
