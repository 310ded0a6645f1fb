"""Indicators and their targets as plans write them: the one place that reads a target's text.

The importer, the admin's "Cible an N" boxes, the spreadsheet import and
``services.indicator_targets_set`` all ask here, so a text reads the same everywhere.

What a target cell says, and what is read from it:

- **Years named in the text** split it: « An 1 : 1 activité An 2 : 3 capsules » is year 1 →
  "1 activité" (1) and year 2 → "3 capsules" (3). « Ans 2 et 3 : », « An 2 et 3 : »,
  « Ans 1-2-3 : », « An 1 à 3 : » and « Ans 1-3 : » (two years joined by a dash with a gap: a
  range) give the same text to each year named; « 2e année : » is year 2.
- **A fiscal year** (« 2023-2024 : 3 rencontres ») is kept as :class:`FiscalYear` until the
  plan's dates are known; :func:`fit_targets` then gives it to the plan year that holds
  1 April 2023. Its number is never the value.
- **A rate** (« 2 par an », « 1 activité/an/MRC », « 4 rencontres annuellement ») with no year
  named is a target for every plan year (:data:`EVERY_YEAR`, spread by :func:`fit_targets`).
- **Anything else** is the target for the whole plan (key ``None``): « 3 capsules »,
  « 10 municipalités pour les 3 ans ».

The value of one year's text is the one number it holds: « 2,5 » → 2.5, « 1 200 » → 1200,
« 75 % » → 75. Not values: years (« 2024 », « d'ici 2025 »), ordinals (« 1re édition » names
which edition, not how many: no value), durations (« 3 ans », « 6 mois ») and scopes
(« pour les 3 MRC », « auprès des 19 SAIM »). A text that holds several different numbers
(« Coordonner 19 SAIM - 2 rencontres », « 3 à 5 rencontres ») keeps its text, gets no value and
says why (:attr:`ParsedTarget.problem`): a missing value can be typed in the admin, a wrong one
would silently skew progress. A text without a number (« À déterminer ») simply has no value.

A cell may hold several indicators: one per line (Word and PDF keep line breaks inside a cell)
or run together when pasted (« Nbre de comités Nbre de rencontres par an »: split before each
capitalised « Nbre de », « Nombre de », « Nb de », « Taux de », « % de »… when the cell has at
least two). Their targets, in the next cell, are paired in order: one line per indicator; or,
when the lines name years, each year's text split into one piece per indicator; or, run
together, one piece per number (« 2 comités 4 rencontres »). When the counts disagree, the
texts are kept, what can be paired is paired, and the measure gets a warning.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from itertools import pairwise

from django.utils.translation import gettext as _

from actionplans.numbers import to_decimal

EVERY_YEAR = "every-year"  # key of a rate: the same target for each plan year


@dataclass(frozen=True)
class FiscalYear:
    """« 2023-2024 »: the fiscal year that starts on 1 April of ``start``."""

    start: int

    def __str__(self):
        return f"{self.start}-{self.start + 1}"

    @property
    def first_day(self):
        return date(self.start, 4, 1)


@dataclass
class ParsedTarget:
    text: str
    value: Decimal | None = None
    problem: str = ""  # why a text with numbers has no value, for the coordinator


@dataclass
class ParsedIndicator:
    label: str
    targets: dict = field(default_factory=dict)  # {year number, None, EVERY_YEAR or FiscalYear:
    #                                               ParsedTarget}

    @property
    def target_rows(self):
        """``[(label of the year, ParsedTarget)]`` in the order of the plan, for display."""
        return [(year_label(key), self.targets[key]) for key in sorted(self.targets, key=_order)]


def _order(key):
    if isinstance(key, int):
        return (0, key)
    if isinstance(key, FiscalYear):
        return (1, key.start)
    return (2, 0) if key == EVERY_YEAR else (3, 0)


def year_label(key):
    """How the preview names a target's year: « An 2 », « 2023-2024 », « Chaque année », ""."""
    if isinstance(key, int):
        return _("An %(number)s") % {"number": key}
    if isinstance(key, FiscalYear):
        return str(key)
    if key == EVERY_YEAR:
        return _("Chaque année")
    return ""


NOT_APPLICABLE = {"so", "s.o.", "n/a", "sans objet", "-", "—"}

_YEAR_LIST = r"\d{1,2}(?:\s*(?:,|et|-|–|à|au|/)\s*\d{1,2})*"
_MARKER = re.compile(
    rf"\b(?:an(?:n[ée]e)?s?\.?\s*(?P<years>{_YEAR_LIST})"
    r"|(?P<ordinal>\d{1,2})\s*(?:re|er|e|ème|eme|è)\s+ann[ée]e"
    r"|(?P<fiscal>(?:19|20)\d\d)\s*[-–/]\s*(?P<fiscal_end>(?:19|20)?\d\d))"
    r"\s*:",
    re.IGNORECASE,
)
_RATE = re.compile(
    r"\bpar\s+(?:an|année|exercice)\b|/\s*(?:an|année)\b|\bchaque\s+année\b"
    r"|\bannuellement\b|\bannuel(?:le)?s?\b|\bpar\s+année\s+financière\b",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"(?<![\w.,])(\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?![\d,.]\d)|\d+)(?:[.,](\d+))?")
_ORDINAL_AFTER = re.compile(r"^(?:er|re|ère|ere|e|ème|eme|è|nd|nde)\b", re.IGNORECASE)
_DURATION_AFTER = re.compile(r"^\s*(?:ans?|années?|mois|semaines?)\b", re.IGNORECASE)
_LETTER_AFTER = re.compile(r"^\s*[^\W\d_]")
_DATE_BEFORE = re.compile(
    r"(?:\b(?:en|d['’]ici|avant|après|depuis|dès|fin|début|janvier|février|mars|avril|mai|juin|"
    r"juillet|août|septembre|octobre|novembre|décembre)\s+)$",
    re.IGNORECASE,
)
_SCOPE_BEFORE = re.compile(
    r"(?:\b(?:pour|sur|dans|parmi|pendant|durant|chacune?|auprès)\s+(?:(?:les|des|ses|nos|leurs)\s+)?"
    r"|\b(?:les|des|aux|ces)\s+)$",
    re.IGNORECASE,
)
_LEAD_IN = re.compile(
    r"(?:(?<=\s)|^)(?:(?:Nbre|Nombre|Nb\.?|Taux|Pourcentage|Proportion)\s+(?:de\s|des\s|d['’])"
    r"|(?<!\d\s)%\s*(?:de\s|des\s|d['’]))"
)
_PIECE_START = re.compile(r"(?:(?<=\s)|^)(?:[-–•]\s*)?\d")
_NOT_A_PIECE_BEFORE = re.compile(
    r"(?:\b(?:pour|sur|dans|parmi|les|des|aux|ces|à|au|et|ou|de|par|soit|entre)|\d)\s*$",
    re.IGNORECASE,
)


def _spaces(text):
    return re.sub(r"[ \t\u00a0\u202f]+", " ", text or "").strip()


def _lines(text):
    return [line for line in (_spaces(part) for part in str(text or "").splitlines()) if line]


def _numbers(text):
    """``[(written, Decimal)]``: the numbers of ``text`` that can be a target's value."""
    found = []
    for match in _NUMBER.finditer(text):
        before, after = text[: match.start()], text[match.end() :]
        whole, fraction = match.groups()
        if _ORDINAL_AFTER.match(after) or _DURATION_AFTER.match(after):
            continue
        if _SCOPE_BEFORE.search(before):
            continue
        if (
            fraction is None
            and re.fullmatch(r"(?:19|20)\d\d", whole)
            and (not _LETTER_AFTER.match(after) or _DATE_BEFORE.search(before))
        ):
            continue  # a year
        found.append((match.group(0), to_decimal(whole, fraction)))
    return found


def read_value(text):
    """One year's text → ``ParsedTarget`` with its value (see the module's rules)."""
    text = _spaces(text)
    numbers = _numbers(text)
    values = {value for _written, value in numbers}
    if len(values) > 1:
        return ParsedTarget(
            text=text,
            problem=_(
                "Cible « %(text)s » : plusieurs nombres (%(numbers)s), aucune valeur retenue."
            )
            % {"text": text, "numbers": " ; ".join(written for written, _value in numbers)},
        )
    return ParsedTarget(text=text, value=values.pop() if values else None)


def _years(match):
    """The years a marker names: ``{1, 2, 3}`` or ``{FiscalYear(2023)}``; empty if none."""
    if match.group("ordinal"):
        return {int(match.group("ordinal"))}
    if match.group("fiscal"):
        start, end = int(match.group("fiscal")), match.group("fiscal_end")
        end = int(end) if len(end) == 4 else start // 100 * 100 + int(end)
        return {FiscalYear(start)} if end == start + 1 else set()
    written = match.group("years")
    numbers = [int(number) for number in re.findall(r"\d+", written)]
    ranged = re.search(r"\bà\b|\bau\b", written) or (
        len(numbers) == 2 and re.search(r"[-–]", written) and numbers[1] > numbers[0] + 1
    )
    if ranged and len(numbers) == 2 and numbers[0] < numbers[1]:
        numbers = list(range(numbers[0], numbers[1] + 1))
    return {number for number in numbers if number > 0}


def _markers(text):
    return [match for match in _MARKER.finditer(text) if _years(match)]


def read_targets(text):
    """A target cell → ``{year key: ParsedTarget}`` (keys: plan year number, ``None`` for the
    whole plan, :data:`EVERY_YEAR`, :class:`FiscalYear`). ``{}`` for « SO » or nothing."""
    text = _spaces(" ".join(_lines(text)))
    if not text or text.lower() in NOT_APPLICABLE:
        return {}
    markers = _markers(text)
    if not markers:
        return {EVERY_YEAR if _RATE.search(text) else None: read_value(text)}
    texts = {}
    prefix = text[: markers[0].start()].strip(" -–;,")
    if prefix:
        texts[None] = prefix
    for match, following in zip(markers, [*markers[1:], None], strict=True):
        piece = text[match.end() : following.start() if following else len(text)]
        piece = piece.strip(" ;,").lstrip("-–• ")  # « An 1 : - Coordonner … »: a bullet
        if not piece:
            continue
        for year in sorted(_years(match), key=_order):
            texts[year] = f"{texts[year]} {piece}" if year in texts else piece
    return {year: read_value(piece) for year, piece in texts.items()}


def target_problems(targets):
    """The warnings of ``{year key: ParsedTarget}``, each said once."""
    return list(dict.fromkeys(target.problem for target in targets.values() if target.problem))


def split_indicators(text):
    """An indicator cell → its indicators: one per line, and within a line, run-together
    indicators split before each capitalised « Nbre de » / « Taux de » / « % de »… (at least
    two of them)."""
    indicators = []
    for line in _lines(text):
        if line.lower() in NOT_APPLICABLE:
            continue
        starts = [match.start() for match in _LEAD_IN.finditer(line)]
        if len(starts) < 2:
            indicators.append(line)
            continue
        bounds = [0, *(start for start in starts if start > 0), len(line)]
        indicators += [piece for piece in (line[a:b].strip() for a, b in pairwise(bounds)) if piece]
    return indicators


def _pieces(text):
    """Targets run together (« 2 comités 4 rencontres par an ») → one piece per number that
    starts a target; numbers after « pour les », « à », « et »… continue the piece before."""
    starts = [
        match.start()
        for match in _PIECE_START.finditer(text)
        if match.start() == 0 or not _NOT_A_PIECE_BEFORE.search(text[: match.start()])
    ]
    if not starts or starts[0] != 0:
        starts = [0, *starts]
    bounds = [*starts, len(text)]
    return [piece for piece in (text[a:b].strip(" ;,") for a, b in pairwise(bounds)) if piece]


def _by_year_then_indicator(text, count):
    """« An 1 : 2 comités 4 rencontres An 2 : … » → one text per indicator (« An 1 : 2 comités
    An 2 : … »), or None when a year does not hold ``count`` pieces."""
    markers = _markers(text)
    if not markers or text[: markers[0].start()].strip(" -–;,"):
        return None
    texts = [[] for _index in range(count)]
    for match, following in zip(markers, [*markers[1:], None], strict=True):
        piece = text[match.end() : following.start() if following else len(text)].strip()
        if piece.startswith(("-", "–")):  # a bulleted list: one target per bullet
            pieces = [part.strip() for part in re.split(r"(?:^|\s)[-–]\s*", piece) if part.strip()]
        else:
            pieces = _pieces(piece)
        if len(pieces) != count:
            return None
        for index, part in enumerate(pieces):
            texts[index].append(f"{match.group(0)} {part}")
    return [" ".join(parts) for parts in texts]


def _target_groups(text, count):
    """The target cell cut into one text per indicator, and whether the cut is certain."""
    lines = _lines(text)
    year_layout = bool(lines) and all(_MARKER.match(line) for line in lines)
    if len(lines) == count and not year_layout:
        return lines, True
    joined = " ".join(lines)
    if groups := _by_year_then_indicator(joined, count):
        return groups, True
    if _markers(joined):  # years that do not each hold one target per indicator
        return [joined], False
    pieces = _pieces(joined)
    if len(pieces) == count:
        return pieces, True
    if len(lines) > 1 and not year_layout:
        return lines, False
    if len(pieces) > 1:
        return pieces, False
    return [joined] if joined else [], False


def read_indicators(labels, targets):
    """The indicator cell and the target cell of a measure → ``([ParsedIndicator], warnings)``.

    Each indicator gets its own targets; when the cells do not hold as many targets as
    indicators, what can be paired is paired in order, the rest of the text goes to the last
    indicator, and a warning says so.
    """
    names = split_indicators(labels)
    target_text = "\n".join(_lines(targets))
    if not target_text or target_text.lower() in NOT_APPLICABLE:
        target_text = ""
    if not names and not target_text:
        return [], []
    names = names or [_("Indicateur")]
    warnings = []
    if len(names) == 1:
        groups = [target_text]
    else:
        groups, certain = _target_groups(target_text, len(names))
        if not certain and _markers(target_text):
            # Targets written year by year that cannot be told apart per indicator: one
            # indicator holds them all, as written, rather than a wrong pairing.
            warnings.append(
                _(
                    "%(indicators)s indicateurs dont les cibles, écrites par année, ne peuvent "
                    "être associées à chacun : gardés ensemble, à séparer au besoin."
                )
                % {"indicators": len(names)}
            )
            names = [" ".join(names)]
        elif not certain and groups:
            warnings.append(
                _(
                    "%(indicators)s indicateurs et %(targets)s cible(s) : associées dans "
                    "l'ordre, à vérifier."
                )
                % {"indicators": len(names), "targets": len(groups)}
            )
        if len(groups) > len(names):
            groups = [*groups[: len(names) - 1], " ".join(groups[len(names) - 1 :])]
    indicators = []
    for index, name in enumerate(names):
        read = read_targets(groups[index]) if index < len(groups) else {}
        warnings += target_problems(read)
        indicators.append(ParsedIndicator(label=name, targets=read))
    return indicators, list(dict.fromkeys(warnings))


def _plan_year_of(day, periods):
    for number, (start, end) in enumerate(periods, start=1):
        if start <= day <= end:
            return number
    return None


def fit_targets(targets, periods):
    """Targets read from a document, placed on the plan's years once its dates are known.

    ``periods``: ``[(start, end)]`` of plan years 1, 2, …. A rate goes to every year; a fiscal
    year to the plan year holding its 1 April; a year the plan does not have joins the
    whole-plan text (its value then stays the whole plan's) with a warning.
    Returns ``({year number or None: ParsedTarget}, warnings)``.
    """
    fitted, outside, warnings = {}, [], []
    for key in sorted(targets, key=_order):
        target = targets[key]
        if key == EVERY_YEAR:
            for number in range(1, len(periods) + 1):
                fitted.setdefault(number, ParsedTarget(target.text, target.value, target.problem))
            continue
        number = _plan_year_of(key.first_day, periods) if isinstance(key, FiscalYear) else key
        if isinstance(key, FiscalYear | int) and number not in range(1, len(periods) + 1):
            outside.append((key, target))
            warnings.append(
                _("Cible pour l'an %(number)s, hors du plan : « %(text)s ».")
                % {"number": key, "text": target.text}
                if isinstance(key, int)
                else _("Cible pour %(year)s, hors du plan : « %(text)s ».")
                % {"year": key, "text": target.text}
            )
            continue
        if number in fitted:
            fitted[number] = read_value(f"{fitted[number].text} {target.text}")
            warnings += target_problems({number: fitted[number]})
        else:
            fitted[number] = target
    if outside:
        whole = fitted.get(None, ParsedTarget(""))
        text = " ".join(
            [whole.text, *(f"{year_label(key)} : {target.text}" for key, target in outside)]
        ).strip()
        fitted[None] = ParsedTarget(text=text, value=whole.value, problem=whole.problem)
    return fitted, warnings


def value_in_box(text, year=None):
    """The value of a target typed in the box of one plan year (``year``: a PlanYear, or None
    for the whole plan), and why it has none: ``(Decimal or None, warnings)``.

    « An 2 : 3 capsules » in year 2's box is 3; a text naming only other years, or years in the
    whole plan's box, has no value.
    """
    targets = read_targets(text)
    if not targets:
        return None, []
    keys = set(targets)
    chosen = None
    if year is None:
        if keys <= {None, EVERY_YEAR} and len(keys) == 1:
            chosen = targets[keys.pop()]
        else:
            return None, [
                _(
                    "Cible pour le plan « %(text)s » : elle nomme des années ; inscrivez chacune "
                    "dans sa case. Aucune valeur retenue."
                )
                % {"text": _spaces(text)}
            ]
    else:
        for key, target in targets.items():
            if key == year.number or (
                isinstance(key, FiscalYear) and year.start_date <= key.first_day <= year.end_date
            ):
                chosen = target
        if chosen is None and keys <= {None, EVERY_YEAR} and len(keys) == 1:
            chosen = targets[keys.pop()]
        if chosen is None:
            return None, [
                _(
                    "Cible de l'an %(number)s « %(text)s » : elle nomme d'autres années "
                    "(%(years)s). Aucune valeur retenue."
                )
                % {
                    "number": year.number,
                    "text": _spaces(text),
                    "years": ", ".join(
                        year_label(key) for key in sorted(keys, key=_order) if key is not None
                    ),
                }
            ]
    return chosen.value, [chosen.problem] if chosen.problem else []
