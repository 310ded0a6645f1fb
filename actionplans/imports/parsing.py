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

from actionplans.imports import columns as cols
from actionplans.imports.errors import PlanParseError
from actionplans.imports.limits import field_limit_errors
from actionplans.imports.rows import rows_from_text
from actionplans.imports.targets import ParsedIndicator, read_indicators
from actionplans.numbers import read_number, to_decimal
from common.formatting import format_date, format_money

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
# « Action 2 Organiser … » under « OBJECTIF 1 : … » (seed 004): measure 1.2.
ACTION = re.compile(r"^action\s+(\d+)\s*[:.–-]?\s*(.+)$", re.IGNORECASE)
SUB_ACTION = re.compile(r"\bsous[- ]actions?\s+(\d+(?:\.\d+)?)\s*[:.–-]\s*", re.IGNORECASE)
CALENDAR_YEARS = re.compile(r"ann[ée]es?\s+civiles?|ann[ée]es?\s+calendaires?", re.IGNORECASE)
# A note saying the shaded rows are not part of the PAC funding request.
SHADED_WORDS = re.compile(r"gris|ombrag|surlign|fond\s+(?:de\s+)?couleur", re.IGNORECASE)
OUTSIDE_WORDS = re.compile(
    r"ne\s+(?:font|fait)\s+pas\s+partie|hors\s+(?:de\s+)?(?:la\s+)?demande|exclu|"
    r"non\s+inclu|ne\s+sont\s+pas\s+inclu|pas\s+financ",
    re.IGNORECASE,
)
PAC = re.compile(r"\bPAC\b")
# A one-cell line after a measure that is plainly a schedule, an indicator or a target.
RUN_ON = re.compile(
    r"^(?:en\s+continue?|ans?\s*\d[\d\s,\-–et]*(?::.*)?|(?:nombre|nbre|nb)\s+(?:de\s|d['’]).+"
    r"|\d+(?:[.,]\d+)?\s+\S+(?:\s+\S+){0,2})$",
    re.IGNORECASE,
)
TOTAL = re.compile(r"^total\s*:?\s*(.*)$", re.IGNORECASE)
PERIOD = re.compile(
    r"du\s+(\d{1,2})(?:er)?\s+(\w+)\s+(\d{4})\s+au\s+(\d{1,2})(?:er)?\s+(\w+)\s+(\d{4})",
    re.IGNORECASE,
)
YEARS_SPAN = re.compile(r"(20\d\d|19\d\d)\s*[-–]\s*(20\d\d|19\d\d)")
MONEY = re.compile(r"^(\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)(?:[.,](\d{1,2}))?\s*\$\s*(.*)$")
HOURS = re.compile(r"^(\d+(?:[.,]\d+)?)\s*h(?:eures?)?\.?$", re.IGNORECASE)
SCHEDULE_YEARS = re.compile(r"\d")
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
    # One budget line per funding-source column (« PAC (MIFI) | MRC | Autres »), after
    # ``budget`` (the RH | HR | Autres columns, or a budget read by position).
    source_budgets: list = field(default_factory=list)
    marked_years: list = field(default_factory=list)  # fiscal years with an X: [2007, …]
    schedule_spans: list = field(default_factory=list)  # years written: [(2025, 2026)]
    shaded: bool = False  # the document shades its row (a grey background in Word)
    outside_pac: bool = False
    outside_pac_reason: str = ""

    def read_indicators(self):
        """Split the indicator and target cells into indicators, each with its targets
        (``actionplans.imports.targets``); what cannot be read is a warning."""
        self.indicators, warnings = read_indicators(
            " ".join(self.indicator_parts), " ".join(self.target_parts)
        )
        self.warnings += warnings

    @property
    def budget_lines(self):
        """The measure's budget lines as they will be written: the empty ones left out."""
        return [line for line in (self.budget, *self.source_budgets) if not line.is_empty]

    @property
    def budget_total(self):
        return sum((line.total for line in self.budget_lines), Decimal(0))

    @property
    def total_matches_document(self):
        return self.document_total is None or self.document_total == self.budget_total


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
        measures = sum((measure.budget_total for measure in self.measures), Decimal(0))
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


YEAR_SPAN = re.compile(r"((?:19|20)\d\d)(?:\s*[-–/]\s*((?:19|20)?\d\d))?")
SCHEDULE_DATES = re.compile(
    r"^(?:(?:19|20)\d\d(?:\s*[-–/]\s*(?:19|20)?\d\d)?(?:\s*(?:,|;|et|à)\s*|$))+$", re.I
)


def looks_like_schedule(text):
    lowered = text.lower()
    return (
        "continu" in lowered
        or bool(re.match(r"^ans?\b", lowered))
        or bool(SCHEDULE_DATES.match(text.strip()))
    )


def parse_schedule(text):
    """``"Ans 1, 2 et 3"`` → ``([1, 2, 3], False)``; ``"En continu"`` → ``([], True)``;
    years written as dates (``"2024"``, ``"2025-2026"``) → ``([], False)``: they become plan
    years once the plan's dates are known (:func:`schedule_spans`)."""
    lowered = text.lower()
    if "continu" in lowered:
        return [], True
    if re.match(r"^ans?\b", lowered):
        return sorted({int(digit) for digit in SCHEDULE_YEARS.findall(text)}), False
    if SCHEDULE_DATES.match(text.strip()):
        return [], False
    return None


def schedule_spans(text):
    """``"2024 et 2025-2026"`` → ``[(2024, 2024), (2025, 2026)]``; [] unless the schedule is
    written as years."""
    if not SCHEDULE_DATES.match(text.strip()):
        return []
    spans = []
    for first, last in YEAR_SPAN.findall(text):
        start = int(first)
        end = int(last if len(last) == 4 else f"{first[:2]}{last}") if last else start
        spans.append((start, max(start, end)))
    return spans


def span_years(span, calendar):
    """The years a schedule's span starts: « 2025-2026 » is one fiscal year (2025) in a plan of
    fiscal years, two years in a plan of calendar years."""
    start, end = span
    if calendar:
        return list(range(start, end + 1))
    return list(range(start, max(start + 1, end)))


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


def _trim(cells):
    cells = list(cells)
    while cells and not cells[-1]:
        cells.pop()
    return cells


def _is_shaded_note(text):
    return bool(SHADED_WORDS.search(text) and OUTSIDE_WORDS.search(text) and PAC.search(text))


class _Parser:
    def __init__(self):
        self.plan = ParsedPlan()
        self.errors = []
        self.axis = None
        self.objective = None
        self.measure = None
        self.seen_numbers = {}
        self.columns = None  # the current table's header, once read
        self.header_row = None  # the previous row, when it was a header's first row
        self.objective_open = False  # the previous row was an objective's heading
        self.raw = []  # the current row's cells, untrimmed: what columns index
        self.shaded = False
        self.shaded_note = None  # (line, text) of the note saying shaded rows are outside PAC
        self.calendar_years = False
        self.period_from_span = False  # the period came from « 2024-2026 », not from dates
        self.fiscal_years = set()  # fiscal-year columns seen: {2007, 2008, 2009}

    def feed(self, line, cells, shaded=False):
        cells = list(cells)
        # The same cells with their line breaks: a cell may hold one indicator per line.
        self.lines = [clean_lines(cell) for cell in cells]
        self.raw = [clean_cell(cell) for cell in cells]
        cells = _trim(self.raw)
        self.trimmed_lines = self.lines[: len(cells)]
        if not cells:
            return
        self.shaded = shaded
        text = " ".join(cell for cell in cells if cell)
        if self.shaded_note is None and _is_shaded_note(text):
            self.shaded_note = (line, text)
        if CALENDAR_YEARS.search(text):
            self.calendar_years = True
        self.previous_header, self.header_row = self.header_row, None
        self.after_objective, self.objective_open = self.objective_open, False
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

    @property
    def by_column(self):
        """Whether the current row is read by column: it has its header's width."""
        return self.columns is not None and len(self.raw) == self.columns.width

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

    def _implicit_axis_title(self):
        """A plan of objectives without axes (seed 004) gets one axis, named after the
        document's heading (« Plan de mise en œuvre annuel ») when it has one."""
        headings = [
            note for note in self.plan.notes if re.match(r"^plan\b", note, re.I) and len(note) < 150
        ]
        return headings[-1] if headings else _("Objectifs")

    def _objective(self, line, first, cells):
        match = OBJECTIVE.match(first)
        if not match:
            return False
        if self.axis is None:
            self.axis = ParsedAxis(line=line, number=1, title=self._implicit_axis_title())
            self.plan.axes.append(self.axis)
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
        self.objective_open = True
        return True

    def _general_objective(self, line, first, cells):
        match = GENERAL_OBJECTIVE.match(first)
        if match:
            self.plan.general_objective = match.group(1).strip()
        return bool(match)

    def _header(self, line, first, cells):
        if any(parse_money(cell) for cell in cells if cell):
            return False
        previous = self.previous_header
        if previous is not None and not first:
            if cols.is_second_header_row(self.raw, previous) or cols.is_header(cells):
                # A second row that does not line up with the first (merged cells copied as
                # text): no column map, the rows are read by position.
                self.columns = cols.columns_from_header(previous, self.raw)
                self._remember_years()
                return True
        if not cols.is_header(cells):
            return False
        self.header_row = list(self.raw)
        self.columns = cols.columns_from_header(self.raw)
        self._remember_years()
        return True

    def _remember_years(self):
        if self.columns is not None:
            self.fiscal_years.update(self.columns.years)

    def _measure(self, line, first, cells):
        match = MEASURE.match(first)
        action = None if match else ACTION.match(first)
        sub = None if match or action else SUB_ACTION.match(first)
        if not (match or action or sub):
            return False
        parent = self.measure
        if sub:  # « Sous action 1.1 : … » on a row of its own
            if self.objective is None:
                return False
            action_number, _dot, sub_number = sub.group(1).rpartition(".")
            base = f"{self.objective.number}.{action_number}" if action_number else None
            number = f"{base or (parent.number if parent else self.objective.number)}.{sub_number}"
            title = first[sub.end() :]
        elif action:
            if self.objective is None:
                self.errors.append(
                    _(
                        "Ligne %(line)s : l'action %(number)s précède tout objectif "
                        "(« OBJECTIF 1 : … »)."
                    )
                    % {"line": line, "number": action.group(1)}
                )
                return True
            number, title = f"{self.objective.number}.{action.group(1)}", action.group(2)
        else:
            number, title = match.group(1), match.group(2)
        if self.axis is None or self.objective is None:
            self.errors.append(
                _(
                    "Ligne %(line)s : le moyen d'action %(number)s précède tout axe et tout "
                    "objectif (« AXE 1 : … », « Objectif spécifique 1.1 : … »)."
                )
                % {"line": line, "number": number}
            )
            return True
        if not self._number_free(line, number):
            return True
        self.measure = ParsedMeasure(
            line=line, number=number, title=title.strip(), shaded=self.shaded
        )
        self.objective.measures.append(self.measure)
        if not number.startswith(f"{self.objective.number}."):
            self.measure.warnings.append(
                _(
                    "Ligne %(line)s : le moyen d'action %(number)s est placé sous l'objectif "
                    "%(objective)s ; un titre d'objectif mal écrit a-t-il été lu comme du texte ?"
                )
                % {"line": line, "number": number, "objective": self.objective.number}
            )
        if self.by_column:
            self._measure_columns(line)
        else:
            self._measure_cells(cells[1:])
        if sub and parent is not None:
            self._inherit_schedule(parent)
        self._sub_actions(line)
        return True

    def _inherit_schedule(self, action):
        """A sub-action row without a schedule of its own takes its action's."""
        measure = self.measure
        responsibility = measure.responsibility
        if not (measure.years or measure.marked_years or measure.is_continuous):
            _take_schedule(measure, action)
            measure.warnings = [w for w in measure.warnings if w != _("Échéance absente.")]
        measure.responsibility = responsibility or action.responsibility

    def _number_free(self, line, number):
        if number in self.seen_numbers:
            self.errors.append(
                _("Ligne %(line)s : le numéro %(number)s est déjà utilisé à la ligne %(first)s.")
                % {"line": line, "number": number, "first": self.seen_numbers[number]}
            )
            return False
        self.seen_numbers[number] = line
        return True

    def _sub_actions(self, line):
        """« Sous action 1.1 : … » inside action 1's cell: measure 7.1.1, right after its
        action, with the action's responsibility and schedule."""
        measure = self.measure
        pieces = SUB_ACTION.split(measure.title)
        if len(pieces) < 3:
            return
        measure.title = pieces[0].strip()
        for sub, text in zip(pieces[1::2], pieces[2::2], strict=True):
            number = f"{measure.number}.{sub.split('.')[-1]}"
            if not self._number_free(line, number):
                continue
            sub_action = ParsedMeasure(
                line=line, number=number, title=text.strip(" ;"), shaded=measure.shaded
            )
            _take_schedule(sub_action, measure)
            self.objective.measures.append(sub_action)

    def _measure_cells(self, cells):
        measure = self.measure
        if cells:
            measure.responsibility = cells[0]
        rest = cells[1:]
        if rest and looks_like_schedule(rest[0]):
            measure.schedule_text = rest.pop(0)
            measure.years, measure.is_continuous = parse_schedule(measure.schedule_text)
            measure.schedule_spans = schedule_spans(measure.schedule_text)
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
                measure.indicator_parts.append(self.trimmed_lines[-2])
            measure.target_parts.append(self.trimmed_lines[-1])
        else:
            budget_cells = rest
        self._budget(budget_cells)

    def _measure_columns(self, line):
        """The measure row read by its header's columns."""
        measure, columns = self.measure, self.columns
        generic = [
            cell for index, cell in enumerate(self.raw) if columns.role(index) == cols.BUDGET
        ]
        for index, cell in enumerate(self.raw):
            role = columns.role(index)
            if index == 0 or not cell or role == cols.BUDGET:
                continue
            if role == cols.RESPONSIBILITY:
                measure.responsibility = f"{measure.responsibility} {cell}".strip()
            elif role == cols.SCHEDULE:
                self._schedule(cell)
            elif role in (cols.STAFF, cols.HOURS, cols.OTHER):
                self._budget_cell(role, cell)
            elif role == cols.SOURCE:
                self._source_budget(line, columns.label(index), cell)
            elif role == cols.TOTAL:
                if money := parse_money(cell):
                    measure.document_total = money[0]
            else:
                self._text_cell(line, role, columns.label(index), cell, self.lines[index])
        if generic:
            self._budget(generic)
        if columns.has(cols.SCHEDULE) and not measure.schedule_text and not measure.marked_years:
            measure.warnings.append(_("Échéance absente."))

    def _text_cell(self, line, role, label, cell, lines=""):
        """A cell of a measure or continuation row that is text: indicator, target, an X
        under a fiscal year; anything else is a warning."""
        measure = self.measure
        not_applicable = cell.lower() in NOT_APPLICABLE
        if role == cols.INDICATOR:
            if not not_applicable:
                measure.indicator_parts.append(lines or cell)
        elif role == cols.TARGET:
            measure.target_parts.append(lines or cell)
        elif role == cols.RESPONSIBILITY:
            measure.responsibility = f"{measure.responsibility} {cell}".strip()
        elif role == cols.YEAR and cols.is_mark(cell):
            year = cols.fiscal_year(label)
            if year not in measure.marked_years:
                measure.marked_years.append(year)
                measure.schedule_text = ", ".join(
                    f"{start}-{start + 1}" for start in sorted(measure.marked_years)
                )
        elif not not_applicable:
            measure.warnings.append(
                _("Ligne %(line)s : cellule non placée « %(text)s ».")
                % {"line": line, "text": cell}
            )

    def _schedule(self, text):
        measure = self.measure
        measure.schedule_text = text
        if looks_like_schedule(text):
            measure.years, measure.is_continuous = parse_schedule(text)
            measure.schedule_spans = schedule_spans(text)
        else:
            measure.warnings.append(_("Échéance non reconnue : « %(text)s ».") % {"text": text})

    def _budget_cell(self, role, cell):
        """A cell under RH, HR or Autres; text there names the funding source, as in the
        Beauce plan (« PAC-OBNL », « PASI »)."""
        budget = self.measure.budget
        if cell.lower() in NOT_APPLICABLE:
            return
        money = parse_money(cell)
        hours = parse_hours(cell) if money is None else None
        if role == cols.HOURS and hours is not None:
            budget.staff_hours = hours
        elif money and role == cols.STAFF:
            budget.staff_amount = money[0]
        elif money:
            budget.other_amount += money[0]
            if money[1]:
                budget.description = money[1]
        else:
            budget.funding_source = f"{budget.funding_source} {cell}".strip()

    def _source_budget(self, line, label, cell):
        if cell.lower() in NOT_APPLICABLE:
            return
        money = parse_money(cell)
        if money is None:
            self.measure.warnings.append(
                _("Ligne %(line)s : montant illisible sous « %(source)s » : « %(text)s ».")
                % {"line": line, "source": label, "text": cell}
            )
            return
        self.measure.source_budgets.append(
            ParsedBudget(other_amount=money[0], description=money[1], funding_source=label)
        )

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
        self.raw[index] = ""
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
        if self.by_column:
            for index, cell in enumerate(self.raw):
                if cell:
                    role = self.columns.role(index)
                    self._text_cell(line, role, self.columns.label(index), cell, self.lines[index])
            return True
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
            if RUN_ON.match(text):
                self.errors.append(
                    _(
                        "Ligne %(line)s : « %(text)s » suit le moyen d'action %(number)s sur "
                        "une ligne à part et ressemble à une échéance, un indicateur ou une "
                        "cible, pas à la suite de son titre : placez ce texte dans sa colonne."
                    )
                    % {"line": line, "text": text, "number": self.measure.number}
                )
                return
            self.measure.title = f"{self.measure.title} {text}"
            return
        if self.after_objective and len(cells) == 1:
            # A heading that runs onto a second line (« … ET » / « LES BESOINS … »).
            self.objective.title = f"{self.objective.title} {text}"
            self.objective_open = True
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
        self.period_from_span = PERIOD.search(text) is None

    def _resolve_period(self):
        """Calendar years when the document says so (« années civiles »); else, for a plan
        that states no period, its fiscal-year columns (2007-2008 … 2009-2010)."""
        plan = self.plan
        if plan.start_date and self.period_from_span and self.calendar_years:
            plan.start_date = date(plan.start_date.year, 1, 1)
            plan.end_date = date(plan.end_date.year, 12, 31)
        if plan.start_date is None and self.fiscal_years:
            plan.start_date = date(min(self.fiscal_years), 4, 1)
            plan.end_date = date(max(self.fiscal_years) + 1, 3, 31)
        calendar = plan.start_date is not None and (plan.start_date.month, plan.start_date.day) == (
            1,
            1,
        )
        for measure in plan.measures:
            for span in measure.schedule_spans:
                measure.marked_years += [
                    year for year in span_years(span, calendar) if year not in measure.marked_years
                ]
            if not measure.marked_years:
                continue
            if plan.start_date is None:
                continue
            start = plan.start_date
            numbers = set(measure.years)
            for year in measure.marked_years:
                number = year - start.year + (0 if (start.month, start.day) > (4, 1) else 1)
                if number < 1:
                    measure.warnings.append(
                        _("Échéance avant le début du plan : %(year)s-%(next)s.")
                        % {"year": year, "next": year + 1}
                    )
                else:
                    numbers.add(number)
            measure.years = sorted(numbers)

    def _flag_shaded(self):
        shaded = [measure for measure in self.plan.measures if measure.shaded]
        if not shaded:
            return
        if self.shaded_note is None:
            for measure in shaded:
                measure.warnings.append(
                    _(
                        "Ligne grisée dans le document, sans note qui dise pourquoi : elle "
                        "n'est pas marquée hors demande PAC."
                    )
                )
            return
        line, note = self.shaded_note
        reason = _("Ligne grisée ; le document précise, ligne %(line)s : « %(note)s »") % {
            "line": line,
            "note": note,
        }
        for measure in shaded:
            measure.outside_pac, measure.outside_pac_reason = True, reason

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
        self._resolve_period()
        self._flag_shaded()
        for measure in self.plan.measures:
            measure.read_indicators()
        if errors := field_limit_errors(self.plan):
            raise PlanParseError(errors)
        for measure in self.plan.measures:
            if not measure.total_matches_document:
                measure.warnings.append(
                    _(
                        "Le total du document (%(document)s) diffère de la somme des lignes "
                        "budgétaires (%(computed)s)."
                    )
                    % {
                        "document": format_money(measure.document_total),
                        "computed": format_money(measure.budget_total),
                    }
                )
        return self.plan


def _take_schedule(sub_action, action):
    """A sub-action done when and by whom its action is: its schedule and responsibility."""
    sub_action.responsibility = action.responsibility
    sub_action.schedule_text = action.schedule_text
    sub_action.years = list(action.years)
    sub_action.marked_years = list(action.marked_years)
    sub_action.schedule_spans = list(action.schedule_spans)
    sub_action.is_continuous = action.is_continuous


def parse_rows(rows):
    """Parse :class:`~actionplans.imports.rows.Row` objects into a :class:`ParsedPlan`."""
    parser = _Parser()
    for row in rows:
        parser.feed(row.line, row.cells, row.shaded)
    return parser.result()


def parse_text(text):
    if not text or not text.strip():
        raise PlanParseError([_("Le document est vide.")])
    return parse_rows(rows_from_text(text))
