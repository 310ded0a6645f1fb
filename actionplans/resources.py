"""A plan as a spreadsheet: one row per measure, for the XLSX/CSV round trip.

Built on django-import-export. Each row carries the measure's axis and objective (number and
title), its own fields, its schedule as plan years, its first budget line, and its indicators
with their targets per plan year (one line per indicator inside the cell). Importing a file
back updates measures of the chosen plan, matched by number; a row equal to what the plan
holds is skipped, so an unchanged file changes nothing. A row whose measure number the plan
does not have creates the measure, under the objective its row names, and creates that
objective (and its axis) when the plan has none of that number; existing axes and objectives
keep their titles, and a measure does not move to another objective through the sheet.

Amounts and hours are exported as numbers (``force_native_type``, as import-export does for
binary formats), so that sums work in the spreadsheet; the preview and the comparison that
skips unchanged rows read them as text.

Files come in through :class:`SheetCSV` and :class:`SheetXLSX`, which read them with
``common.spreadsheets`` (archive checked, rows and columns bounded) instead of handing them to
tablib whole; cells that the export neutralised (``'=…``) are read back as they were.
"""

import re
from decimal import Decimal, InvalidOperation

import tablib
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import resources
from import_export.fields import Field
from import_export.formats import base_formats
from import_export.instance_loaders import CachedInstanceLoader
from import_export.widgets import BooleanWidget, CharWidget

from actionplans.imports.targets import value_in_box
from actionplans.models import Axis, BudgetLine, Indicator, Measure, Objective, Plan, Target
from actionplans.models.measure import MEASURE_NUMBER_PATTERN
from actionplans.numbers import read_number
from actionplans.services import (
    measure_organisations_link,
    measure_sheet_update,
    objective_sheet_get_or_create,
)
from common import audit, spreadsheets
from common.validation import field_errors

NUMBER_COLUMNS = ("staff_amount", "staff_hours", "other_amount")
TREE_COLUMNS = ("axis_number", "axis", "objective_number", "objective")


class FrenchBooleanWidget(BooleanWidget):
    """Oui / Non in the sheet; also reads 1/0, true/false, x."""

    def render(self, value, obj=None, **kwargs):
        return _("Oui") if value else _("Non")

    def clean(self, value, row=None, **kwargs):
        text = str(value if value is not None else "").strip().lower()
        return text in {"oui", "yes", "1", "true", "vrai", "x"}


def _lines(value):
    return [line.strip() for line in str(value or "").splitlines()]


def _decimal(value, column):
    if not str(value if value is not None else "").strip():
        return Decimal(0)
    text = str(value).strip()
    negative = text.startswith("-")
    number = read_number(text.removeprefix("-").strip())
    if number is None:
        raise ValidationError(
            _("« %(value)s » n'est pas un nombre (colonne %(column)s).")
            % {"value": value, "column": column}
        )
    if negative and number:
        raise ValidationError(
            _("Un montant ne peut pas être négatif (colonne %(column)s).") % {"column": column}
        )
    # Trailing zeros are not decimals the field must hold: "90,00 h" is 90, as a spreadsheet
    # shows a whole number with its format's places.
    if number == number.to_integral_value():
        return number.quantize(Decimal(1))
    return number.normalize()


def _fit(model, values, columns):
    """Messages for the ``{field name: value}`` that ``model``'s fields would refuse, each
    naming its column of the sheet (PostgreSQL would refuse them with a server error)."""
    return [
        _("Colonne « %(column)s » : %(error)s") % {"column": column, "error": " ".join(messages)}
        for (name, value), column in zip(values.items(), columns, strict=True)
        for _label, messages in field_errors(model, {name: value})
    ]


def _duplicate_rows(numbers):
    """``{measure number: [row, …]}`` for the numbers on more than one row (rows counted from
    1 after the header, as the import page numbers them)."""
    rows = {}
    for row, number in enumerate(numbers, start=1):
        key = str(number if number is not None else "").strip()
        if key:
            rows.setdefault(key, []).append(row)
    return {number: found for number, found in rows.items() if len(found) > 1}


def _canonical(value, amount=False):
    """A cell as comparable text: numbers lose their trailing zeros, booleans become Oui/Non;
    an ``amount`` may also be written as shown ("17 340,00 $", as French Excel saves a
    formatted cell in CSV)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Oui") if value else _("Non")
    text = str(value).strip().replace("\r\n", "\n").replace("\r", "\n")  # XML reads \r as \n
    try:
        number = Decimal(text.replace(",", "."))
    except InvalidOperation:
        number = read_number(text) if amount else None
        if number is None:
            return text
    return format(number.normalize(), "f") if number.is_finite() else text


def _axis_number(measure):
    return measure.objective.axis.number


def _axis(measure):
    return measure.objective.axis.title


def _objective_number(measure):
    return measure.objective.number


def _objective(measure):
    return measure.objective.title


def _years(measure):
    return ", ".join(str(year.number) for year in measure.years.all())


def _budget(attribute):
    """A budget column: the sum of the measure's budget lines (one per funding source in a plan
    budgeted by source), their sources joined; blank without a line."""

    def read(measure):
        lines = measure.budget_lines.all()
        if not lines:
            return ""
        if attribute == "funding_source":
            return " ; ".join(
                dict.fromkeys(line.funding_source for line in lines if line.funding_source)
            )
        return sum(getattr(line, attribute) for line in lines)

    return read


def _total(measure):
    return measure.budget_total


def _indicators(measure):
    return "\n".join(indicator.label for indicator in measure.indicators.all())


def _targets(year_id):
    """One line per indicator: its target for the plan year ``year_id`` (None: whole plan)."""

    def read(measure):
        lines = []
        for indicator in measure.indicators.all():
            texts = {target.year_id: target.text for target in indicator.targets.all()}
            lines.append(texts.get(year_id, ""))
        return "\n".join(lines).rstrip("\n") if any(lines) else ""

    return read


MAX_LISTED_CELLS = 10


def _blank(value):
    return value is None or value == ""


def _dataset(rows):
    """A tablib dataset of ``rows``: the first is the header row; blank rows are left out, and
    every row is as wide as the widest (a column without a header is not imported)."""
    dataset = tablib.Dataset()
    rows = [list(row) for row in rows]
    for row in rows:
        while row and _blank(row[-1]):
            row.pop()
    if not rows or not rows[0]:
        return dataset
    width = max(len(row) for row in rows)
    headers, *rows = rows
    dataset.headers = headers + [""] * (width - len(headers))
    for row in rows:
        if row:
            dataset.append(row + [None] * (width - len(row)))
    return dataset


class SheetXLSX(base_formats.XLSX):
    """import-export's XLSX format, read through ``common.spreadsheets``.

    A formula without a computed value is refused (naming its cells) rather than read as an
    empty cell, which here would erase the value the plan holds."""

    def create_dataset(self, in_stream):
        sheet = spreadsheets.read_xlsx(in_stream)
        if cells := sheet.formulas_without_value:
            listed = ", ".join(cells[:MAX_LISTED_CELLS])
            if len(cells) > MAX_LISTED_CELLS:
                listed += " …"
            raise spreadsheets.SpreadsheetError(
                [
                    _(
                        "Feuille %(sheet)s, cellule(s) %(cells)s : formule sans valeur calculée. "
                        "Ouvrez le fichier dans votre tableur, enregistrez-le, puis importez-le "
                        "de nouveau."
                    )
                    % {"sheet": sheet.title, "cells": listed}
                ]
            )
        return _dataset(values for _number, values in sheet.rows)


class SheetCSV(base_formats.CSV):
    """import-export's CSV format, read through ``common.spreadsheets``: the French Excel CSV
    the plan page exports (``;``, decimal comma, BOM) or a plain one (``,``), told apart by the
    separator of the header row."""

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, bytes):
            in_stream = in_stream.decode(self.encoding or "utf-8-sig")
        text = in_stream.removeprefix("\ufeff")
        delimiter = spreadsheets.csv_delimiter(text)
        return _dataset(spreadsheets.read_csv(text, delimiter=delimiter))


class SheetField(Field):
    """A column computed from the measure (its tree, budget line, indicators): the same value
    for the export, the comparison that skips unchanged rows, and the admin's preview.

    Numbers are text ("1250.5") unless the export asks for native values
    (``force_native_type=True``), which a spreadsheet file keeps as numbers."""

    def __init__(self, read, **kwargs):
        super().__init__(**kwargs)
        self.read = read

    def export(self, instance, **kwargs):
        if instance is None or instance.pk is None:
            return ""
        value = self.read(instance)
        if kwargs.get("force_native_type") or not isinstance(value, Decimal | int):
            return value
        return format(Decimal(value).normalize(), "f")


class MeasureResource(resources.ModelResource):
    axis_number = SheetField(_axis_number, column_name=gettext_lazy("Numéro d'axe"))
    axis = SheetField(_axis, column_name=gettext_lazy("Axe"))
    objective_number = SheetField(_objective_number, column_name=gettext_lazy("Numéro d'objectif"))
    objective = SheetField(_objective, column_name=gettext_lazy("Objectif spécifique"))
    number = Field(attribute="number", column_name=gettext_lazy("Numéro"), widget=CharWidget())
    title = Field(
        attribute="title", column_name=gettext_lazy("Moyen d'action"), widget=CharWidget()
    )
    responsibility = Field(
        attribute="responsibility",
        column_name=gettext_lazy("Responsables et partenaires"),
        widget=CharWidget(),  # an empty cell is an empty text, not NULL
    )
    schedule_text = Field(
        attribute="schedule_text", column_name=gettext_lazy("Échéance"), widget=CharWidget()
    )
    years = SheetField(_years, column_name=gettext_lazy("Années du plan"))
    is_continuous = Field(
        attribute="is_continuous",
        column_name=gettext_lazy("En continu"),
        widget=FrenchBooleanWidget(),
    )
    outside_pac = Field(
        attribute="outside_pac",
        column_name=gettext_lazy("Hors demande PAC"),
        widget=FrenchBooleanWidget(),
    )
    staff_amount = SheetField(_budget("staff_amount"), column_name=gettext_lazy("RH ($)"))
    staff_hours = SheetField(_budget("staff_hours"), column_name=gettext_lazy("Heures"))
    other_amount = SheetField(_budget("other_amount"), column_name=gettext_lazy("Autres ($)"))
    funding_source = SheetField(
        _budget("funding_source"), column_name=gettext_lazy("Source de financement")
    )
    total = SheetField(_total, column_name=gettext_lazy("Total ($)"), readonly=True)
    indicators = SheetField(_indicators, column_name=gettext_lazy("Indicateurs"))
    target_plan = SheetField(_targets(None), column_name=gettext_lazy("Cible pour le plan"))

    class Meta:
        model = Measure
        fields = (
            "axis_number",
            "axis",
            "objective_number",
            "objective",
            "number",
            "title",
            "responsibility",
            "schedule_text",
            "years",
            "is_continuous",
            "outside_pac",
            *NUMBER_COLUMNS,
            "funding_source",
            "total",
            "indicators",
            "target_plan",
        )
        import_id_fields = ("number",)
        skip_unchanged = True
        report_skipped = True
        use_transactions = True
        instance_loader_class = CachedInstanceLoader

    def __init__(self, plan=None, **kwargs):
        super().__init__(**kwargs)
        self.plan = plan
        self.plan_years = list(plan.years.all()) if plan else []
        self.duplicates = {}  # measure numbers on several rows, found by before_import
        for year in self.plan_years:
            self.fields[f"target_year_{year.number}"] = SheetField(
                _targets(year.pk), column_name=_("Cible an %(number)s") % {"number": year.number}
            )

    def get_export_order(self):
        years = [f"target_year_{year.number}" for year in self.plan_years]
        *columns, target_plan = self._meta.fields
        return (*columns, *years, target_plan)

    get_import_order = get_export_order

    def export(self, queryset=None, **kwargs):
        """The plan as a dataset whose text cells cannot run as formulas."""
        return spreadsheets.neutralise_dataset(super().export(queryset=queryset, **kwargs))

    def get_queryset(self):
        return (
            Measure.objects.of_plan(self.plan)
            .select_related("objective__axis")
            .prefetch_related(
                "years",
                "budget_lines",
                Prefetch("indicators", Indicator.objects.prefetch_related("targets")),
            )
            .in_plan_order()
        )

    def _editable_fields(self):
        return [field for field in self.get_import_fields() if not field.readonly]

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors or original is None or original.pk is None:
            return False
        for field in self._editable_fields():
            if field.column_name not in row or self.get_field_name(field) in TREE_COLUMNS:
                continue  # the tree columns only serve to create (see import_instance)
            exported = self.export_field(field, original)
            amount = self.get_field_name(field) in NUMBER_COLUMNS
            if _canonical(exported, amount) != _canonical(row[field.column_name], amount):
                return False
        return True

    def import_instance(self, instance, row, **kwargs):
        number = str(row.get(str(self.fields["number"].column_name)) or "").strip()
        if rows := self.duplicates.get(number):
            raise ValidationError(
                _(
                    "Le moyen d'action %(number)s figure sur plusieurs lignes (%(rows)s) : "
                    "gardez-en une seule, rien n'a été importé."
                )
                % {"number": number, "rows": ", ".join(map(str, rows))}
            )
        tree = {name: self._text(row, name) for name in TREE_COLUMNS}
        if instance.pk is None:
            instance.sheet_place = self._place(number, row, tree)
        else:
            self._check_place(instance, tree)
        super().import_instance(instance, row, **kwargs)
        errors = _fit(
            Measure,
            {"schedule_text": instance.schedule_text},
            [self.fields["schedule_text"].column_name],
        )
        instance.sheet_values = self._sheet_values(row, errors)
        if instance.pk is not None:
            self._check_budget_lines(instance, row)

    def _check_budget_lines(self, measure, row):
        """A measure budgeted on several lines (one per funding source) shows their sum: the
        sheet cannot say which line changed, so a changed budget is refused for it."""
        lines = list(measure.budget_lines.all())
        if len(lines) < 2:
            return
        changed = [
            name
            for name in (*NUMBER_COLUMNS, "funding_source")
            if _canonical(self.export_field(self.fields[name], measure), name in NUMBER_COLUMNS)
            != _canonical(row.get(str(self.fields[name].column_name)), name in NUMBER_COLUMNS)
        ]
        if changed:
            raise ValidationError(
                _(
                    "Le moyen d'action %(number)s a %(count)s lignes budgétaires (%(sources)s) : "
                    "le tableur en montre la somme ; modifiez son budget dans l'administration."
                )
                % {
                    "number": measure.number,
                    "count": len(lines),
                    "sources": ", ".join(line.funding_source or "—" for line in lines),
                }
            )
        measure.sheet_values["budget"] = None  # unchanged: measure_sheet_update leaves it

    def _text(self, row, name):
        return str(row.get(str(self.fields[name].column_name)) or "").strip()

    def _column(self, name):
        return str(self.fields[name].column_name)

    def _check_place(self, measure, tree):
        """An existing measure stays where it is: a row that names another objective or axis
        for it is refused rather than ignored."""
        objective = measure.objective
        moved = (tree["objective_number"] and tree["objective_number"] != objective.number) or (
            tree["axis_number"] and _canonical(tree["axis_number"]) != str(objective.axis.number)
        )
        if moved:
            raise ValidationError(
                _(
                    "Le moyen d'action %(number)s est sous l'objectif %(objective)s de l'axe "
                    "%(axis)s : le tableur ne déplace pas un moyen d'action (faites-le dans "
                    "l'administration)."
                )
                % {
                    "number": measure.number,
                    "objective": objective.number,
                    "axis": objective.axis.number,
                }
            )

    def _place(self, number, row, tree):
        """Where a new measure goes: ``(objective, None)`` for an objective of the plan, or
        ``(None, {axis and objective numbers and titles})`` for one to create. Raises
        ValidationError naming every missing or contradictory cell."""
        errors = []
        if not re.fullmatch(MEASURE_NUMBER_PATTERN, number):
            errors.append(
                _(
                    "Numéro de moyen d'action « %(number)s » : un numéro s'écrit en chiffres "
                    "séparés par des points (p. ex. 1.3.2)."
                )
                % {"number": number}
            )
        if not self._text(row, "title"):
            errors.append(
                _(
                    "Le moyen d'action %(number)s est nouveau : son titre (colonne "
                    "« %(column)s ») est requis."
                )
                % {"number": number, "column": self._column("title")}
            )
        objective_number, axis_text = tree["objective_number"], tree["axis_number"]
        axis_number = None
        if axis_text:
            canonical = _canonical(axis_text)
            axis_number = int(canonical) if canonical.isdigit() and int(canonical) > 0 else None
            if axis_number is None:
                errors.append(
                    _("Numéro d'axe illisible : « %(value)s » (p. ex. 2).") % {"value": axis_text}
                )
        if not objective_number:
            errors.append(
                _(
                    "Le moyen d'action %(number)s est nouveau : le numéro de son objectif "
                    "(colonne « %(column)s ») est requis."
                )
                % {"number": number, "column": self._column("objective_number")}
            )
        if errors:
            raise ValidationError(errors)
        objectives = list(
            Objective.objects.filter(axis__plan=self.plan, number=objective_number)
            .select_related("axis")
            .order_by("axis__number")
        )
        under = [o for o in objectives if axis_number in (None, o.axis.number)]
        if len(under) == 1:
            return under[0], None
        if objectives and axis_number is not None:
            raise ValidationError(
                _(
                    "L'objectif %(objective)s est sous l'axe %(axes)s, pas sous l'axe %(axis)s : "
                    "corrigez le numéro d'axe ou d'objectif."
                )
                % {
                    "objective": objective_number,
                    "axes": ", ".join(str(o.axis.number) for o in objectives),
                    "axis": axis_number,
                }
            )
        if objectives:
            raise ValidationError(
                _(
                    "Plusieurs axes ont un objectif %(objective)s : donnez le numéro d'axe "
                    "(colonne « %(column)s »)."
                )
                % {"objective": objective_number, "column": self._column("axis_number")}
            )
        return None, self._new_objective(number, objective_number, axis_number, tree)

    def _new_objective(self, number, objective_number, axis_number, tree):
        column = self._column
        missing = []
        if axis_number is None:
            missing.append(column("axis_number"))
        elif not Axis.objects.filter(plan=self.plan, number=axis_number).exists():
            if not tree["axis"]:
                missing.append(column("axis"))
        if not tree["objective"]:
            missing.append(column("objective"))
        if missing:
            raise ValidationError(
                _(
                    "L'objectif %(objective)s du moyen d'action %(number)s est nouveau : "
                    "colonne(s) requise(s) pour le créer : %(columns)s."
                )
                % {
                    "objective": objective_number,
                    "number": number,
                    "columns": ", ".join(f"« {name} »" for name in missing),
                }
            )
        values = {
            "axis_number": axis_number,
            "axis_title": tree["axis"],
            "objective_number": objective_number,
            "objective_title": tree["objective"],
        }
        errors = _fit(Axis, {"title": tree["axis"]}, [column("axis")]) + _fit(
            Objective,
            {"number": objective_number, "title": tree["objective"]},
            [column("objective_number"), column("objective")],
        )
        if errors:
            raise ValidationError(errors)
        return values

    def before_save_instance(self, instance, row, **kwargs):
        """A new measure goes last under its objective, created first if need be."""
        if instance.pk is not None:
            return
        objective, new = instance.sheet_place
        if objective is None:
            objective = objective_sheet_get_or_create(plan=self.plan, **new)
        last = objective.measures.order_by("-position").first()
        instance.objective = objective
        instance.position = last.position + 1 if last else 0

    def _sheet_values(self, row, errors):
        """What the row says of the measure's years, budget line and indicators; raises
        ValidationError with every value that cannot be written, ``errors`` included."""

        def cell(name):
            return row.get(str(self.fields[name].column_name))

        years_text = str(cell("years") or "")
        try:
            years = sorted(
                {int(part) for part in years_text.replace(";", ",").split(",") if part.strip()}
            )
        except ValueError as error:
            raise ValidationError(
                _("Années du plan illisibles : « %(value)s » (p. ex. 1, 2, 3).")
                % {"value": years_text}
            ) from error
        known = {year.number: year for year in self.plan_years}
        if unknown := [number for number in years if number not in known]:
            raise ValidationError(
                _("Année(s) hors du plan : %(years)s.") % {"years": ", ".join(map(str, unknown))}
            )
        budget = {
            name: _decimal(cell(name), self.fields[name].column_name) for name in NUMBER_COLUMNS
        }
        budget["funding_source"] = str(cell("funding_source") or "").strip()
        errors += _fit(BudgetLine, budget, [self.fields[name].column_name for name in budget])
        labels = _lines(cell("indicators"))
        targets = {
            year.number: _lines(cell(f"target_year_{year.number}")) for year in self.plan_years
        }
        targets[None] = _lines(cell("target_plan"))
        indicators = [
            (
                label,
                {
                    known.get(number): texts[index] if index < len(texts) else ""
                    for number, texts in targets.items()
                },
            )
            for index, label in enumerate(labels)
            if label
        ]
        for label, texts in indicators:
            errors += _fit(Indicator, {"label": label}, [self.fields["indicators"].column_name])
            for year, text in texts.items():
                column = self.fields[f"target_year_{year.number}" if year else "target_plan"]
                errors += _fit(
                    Target,
                    {"text": text, "value": value_in_box(text, year)[0]},
                    [column.column_name] * 2,
                )
        if errors:
            raise ValidationError(errors)
        return {
            "years": [known[number] for number in years],
            "budget": budget,
            "indicators": indicators,
        }

    def before_import(self, dataset, **kwargs):
        for index in range(len(dataset)):
            dataset[index] = [spreadsheets.unneutralise(value) for value in dataset[index]]
        expected = [  # the tree columns are needed only by rows that create a measure
            str(field.column_name)
            for field in self._editable_fields()
            if self.get_field_name(field) not in TREE_COLUMNS
        ]
        missing = [column for column in expected if column not in (dataset.headers or [])]
        if missing:
            raise ValueError(
                _(
                    "Ce fichier n'est pas un tableur de plan exporté du portail : colonne(s) "
                    "manquante(s) : %(columns)s."
                )
                % {"columns": ", ".join(missing)}
            )
        self.duplicates = _duplicate_rows(dataset[str(self.fields["number"].column_name)])

    def import_data(self, dataset, dry_run=False, **kwargs):
        """All or nothing: a file with any invalid row changes no measure. Imports into one
        plan take turns (its row is locked), so each compares its rows with what the one
        before it wrote, and two files never add the same budget line or indicator twice."""
        with transaction.atomic():
            if self.plan is not None and not dry_run:
                Plan.objects.select_for_update().only("pk").get(pk=self.plan.pk)
            result = super().import_data(dataset, dry_run=dry_run, **kwargs)
            if result.has_errors() or result.has_validation_errors():
                transaction.set_rollback(True)
            elif not dry_run:
                audit.record("plan.spreadsheet_import", rows=len(dataset))
        return result

    def after_save_instance(self, instance, row, **kwargs):
        measure_sheet_update(measure=instance, **instance.sheet_values)
        if getattr(instance, "sheet_place", None) is not None:  # created by this row
            measure_organisations_link(measure=instance)
        # The preview reads the row back: drop what was prefetched before the update.
        instance._prefetched_objects_cache = {}
