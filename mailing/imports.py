"""Reading the table's existing list from a CSV file, for a preview before anything is saved.

The first row names the columns, in French or English, in any order: ``courriel`` (required;
also ``email``, ``adresse``), ``nom`` (or ``prénom`` and ``nom``), ``organisation`` (or
``organisme``), ``municipalité`` (or ``ville``). Commas, semicolons (Excel in French) or tabs;
UTF-8 or Windows-1252. Each row gets an outcome the preview shows; one malformed address makes
the whole file refused: nothing is imported until the file is corrected.
"""

import csv
import io
import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from mailing.models import Subscriber
from municipalities.models import Municipality
from partners.models import Organisation

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5_000

COLUMNS = {
    "email": {"courriel", "email", "adressecourriel", "adresse", "mail", "courrielelectronique"},
    "name": {"nom", "name", "nomcomplet", "fullname"},
    "first_name": {"prenom", "firstname"},
    "organisation": {"organisation", "organisme", "organization"},
    "municipality": {"municipalite", "ville", "municipality", "city"},
}


class Outcome:
    NEW = "new"
    KNOWN = "known"
    DUPLICATE = "duplicate"
    INVALID = "invalid"


@dataclass
class ImportRow:
    line: int
    email: str
    name: str = ""
    organisation: Organisation | None = None
    municipality: Municipality | None = None
    outcome: str = Outcome.NEW
    notes: list = field(default_factory=list)

    @property
    def is_new(self):
        return self.outcome == Outcome.NEW

    @property
    def is_invalid(self):
        return self.outcome == Outcome.INVALID


@dataclass
class ImportPreview:
    rows: list = field(default_factory=list)
    errors: list = field(default_factory=list)

    @property
    def new_rows(self):
        return [row for row in self.rows if row.is_new]

    @property
    def invalid_rows(self):
        return [row for row in self.rows if row.is_invalid]

    @property
    def usable(self):
        return not self.errors and not self.invalid_rows and bool(self.new_rows)

    def count(self, outcome):
        return sum(1 for row in self.rows if row.outcome == outcome)


def _key(text):
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    return "".join(char for char in text.lower() if char.isalnum())


def decode(content):
    """The file's text (UTF-8 with or without BOM, else Windows-1252), or None."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _dialect(text):
    try:
        return csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        return csv.excel


def _columns(header):
    found = {}
    for index, title in enumerate(header):
        for name, accepted in COLUMNS.items():
            if _key(title) in accepted and name not in found:
                found[name] = index
    return found


def preview_import(table, text):
    """Every row of the file with what importing it would do; nothing is written."""
    preview = ImportPreview()
    if not text or not text.strip():
        preview.errors.append(_("Le fichier est vide."))
        return preview
    reader = csv.reader(io.StringIO(text), _dialect(text))
    try:
        lines = list(reader)
    except csv.Error as error:
        preview.errors.append(
            _("Le fichier n'est pas un CSV lisible : %(error)s") % {"error": error}
        )
        return preview
    header, body = lines[0], lines[1:]
    columns = _columns(header)
    if "email" not in columns:
        preview.errors.append(
            _(
                "Le fichier n'a pas de colonne « courriel » : sa première ligne doit nommer les "
                "colonnes (courriel, nom, organisation, municipalité)."
            )
        )
        return preview
    if len(body) > MAX_ROWS:
        preview.errors.append(
            _("Le fichier compte %(count)s lignes : %(max)s au plus.")
            % {"count": len(body), "max": MAX_ROWS}
        )
        return preview

    known = {
        subscriber.address: subscriber
        for subscriber in Subscriber.objects.filter(table=table).annotate(address=Lower("email"))
    }
    organisations = {
        _key(name): pk
        for pk, name, acronym in Organisation.objects.of_tables([table.pk]).values_list(
            "pk", "name", "acronym"
        )
        for name in (name, acronym)
        if name
    }
    organisation_objects = Organisation.objects.in_bulk(set(organisations.values()))
    municipalities = {
        _key(municipality.name): municipality
        for municipality in Municipality.objects.filter(mrc__tables=table)
    }
    seen = {}

    def cell(values, name):
        index = columns.get(name)
        return values[index].strip() if index is not None and index < len(values) else ""

    for number, values in enumerate(body, start=2):
        if not any(value.strip() for value in values):
            continue
        email = cell(values, "email")
        name = " ".join(part for part in (cell(values, "first_name"), cell(values, "name")) if part)
        row = ImportRow(line=number, email=email, name=name[:200])
        preview.rows.append(row)
        if not email:
            row.outcome = Outcome.INVALID
            row.notes.append(_("adresse manquante"))
            continue
        try:
            validate_email(email)
        except ValidationError:
            row.outcome = Outcome.INVALID
            row.notes.append(_("adresse invalide : « %(email)s »") % {"email": email})
            continue
        address = email.lower()
        if address in seen:
            row.outcome = Outcome.DUPLICATE
            row.notes.append(_("en double : déjà à la ligne %(line)s") % {"line": seen[address]})
            continue
        seen[address] = number
        if address in known:
            row.outcome = Outcome.KNOWN
            status = known[address].status
            if status == Subscriber.Status.UNSUBSCRIBED:
                row.notes.append(_("s'est désabonnée : n'est pas réinscrite"))
            elif status == Subscriber.Status.BOUNCED:
                row.notes.append(_("adresse en erreur : n'est pas réinscrite"))
            else:
                row.notes.append(_("déjà dans la liste : inchangée"))
            continue
        if organisation := cell(values, "organisation"):
            row.organisation = organisation_objects.get(organisations.get(_key(organisation)))
            if row.organisation is None:
                row.notes.append(
                    _("organisation « %(name)s » inconnue de la table : laissée vide")
                    % {"name": organisation}
                )
        if municipality := cell(values, "municipality"):
            row.municipality = municipalities.get(_key(municipality))
            if row.municipality is None:
                row.notes.append(
                    _("municipalité « %(name)s » hors du territoire : laissée vide")
                    % {"name": municipality}
                )
    if not preview.rows:
        preview.errors.append(_("Le fichier n'a aucune adresse sous sa ligne de titres."))
    return preview
