"""Values checked against the model fields they are headed for, before the database sees them.

Bulk inserts and imports skip ``full_clean()``; SQLite then stores anything, while PostgreSQL
refuses a 301-character title or a 13-digit amount with a server error. Asking the fields
themselves (their ``max_length``, ``max_digits``, range validators) keeps one source for the
limits and gives the user Django's translated message instead.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.backends.base.operations import BaseDatabaseOperations

# What an integer field holds on every database (SQLite's integers are wider than
# PostgreSQL's, so its fields do not carry these limits themselves).
INTEGER_RANGES = BaseDatabaseOperations.integer_field_ranges


def field_errors(model, values):
    """``[(field label, [message, …]), …]`` for the ``{field name: value}`` that ``model``'s
    fields would refuse. Foreign keys and many-to-many fields are not checked."""
    errors = []
    for name, value in values.items():
        field = model._meta.get_field(name)
        try:
            field.clean(value, None)
            if isinstance(value, int) and (bounds := INTEGER_RANGES.get(field.get_internal_type())):
                MinValueValidator(bounds[0])(value)
                MaxValueValidator(bounds[1])(value)
        except ValidationError as error:
            errors.append((field.verbose_name, error.messages))
    return errors


def text_max_length(db_field):
    """The length forms accept for ``db_field``'s free text, from its model's
    ``text_max_lengths`` (``{"description": 5000}``), or None. The site's forms and the admin
    ask here, while the database keeps text columns unbounded."""
    return getattr(db_field.model, "text_max_lengths", {}).get(db_field.name)
