"""The plan document import as coordinators use it: read and preview, then create in one step."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from actionplans.imports import parsing
from actionplans.imports import rows as readers
from actionplans.models import Plan
from actionplans.services import plan_import
from common.slugs import unique_slug


@dataclass
class ImportPreview:
    parsed: parsing.ParsedPlan
    source: str  # the document's rows, signed, carried to the confirmation step
    warnings: list = field(default_factory=list)  # about the file itself: cells left out


def preview_document(*, data=None, text=None, source=None):
    """Parse an uploaded document (bytes), pasted text or the rows a preview signed
    (``source``); raises PlanParseError."""
    warnings = []
    if data is not None:
        rows, warnings = readers.rows_from_document(data)
    elif source:
        rows = readers.rows_from_source(source)
    elif text and text.strip():
        rows = readers.rows_from_text(text)
    else:
        raise parsing.PlanParseError([_("Le document est vide.")])
    try:
        parsed = parsing.parse_rows(rows)
    except parsing.PlanParseError as error:
        # A formula left empty may be why the plan cannot be read: say so with the errors.
        raise parsing.PlanParseError([*warnings, *error.messages]) from error
    return ImportPreview(parsed=parsed, source=readers.rows_to_source(rows), warnings=warnings)


def unique_plan_slug(title):
    return unique_slug(Plan, title, fallback="plan")


def import_document(
    *, table, preview, title, slug=None, start_date=None, outside_pac=None, organisation_choices=()
):
    """``outside_pac``: the numbers of the measures the coordinator kept outside the PAC
    request in the preview (the parser's flags, unticked or added); None keeps the parser's.
    ``organisation_choices``: what the coordinator chose for the names that match no
    organisation (``actionplans.imports.organisations``)."""
    if outside_pac is not None:
        for measure in preview.parsed.measures:
            measure.outside_pac = measure.number in outside_pac
    return plan_import(
        table=table,
        parsed=preview.parsed,
        title=title,
        slug=slug or unique_plan_slug(title),
        start_date=start_date,
        organisation_choices=organisation_choices,
    )
