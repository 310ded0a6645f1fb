"""Table-owned data is reached through its table, by construction.

A model owned by one table names the way to it in ``table_path`` (``"plan__table"``,
``"objective__axis__plan__table"``; ``""`` for ``Table`` itself) and uses
``TableOwnedQuerySet``: ``Model.objects.for_user(user)`` is then the one entry point for "what
may this user see in the back office", used by the admin's lists, choices and filters alike.
"""

from django.core.exceptions import ValidationError
from django.db import models

from partners import roles


def table_filter(model, table_ids):
    path = model.table_path
    return {"pk__in" if not path else f"{path}__in": table_ids}


def table_id_of(obj):
    """The id of the table that owns ``obj``, by walking ``table_path``."""
    path = type(obj).table_path
    if not path:
        return obj.pk
    *steps, last = path.split("__")
    for step in steps:
        obj = getattr(obj, step)
        if obj is None:
            return None
    return getattr(obj, f"{last}_id")


class TableOwnedQuerySet(models.QuerySet):
    def of_tables(self, table_ids):
        return self.filter(**table_filter(self.model, table_ids))

    def readable_by(self, user):
        """Every table's for superusers and the ministry, a coordinator's own tables', else
        none: what the back office shows."""
        if roles.sees_all_tables(user):
            return self
        return self.of_tables(roles.coordinated_table_ids(user))

    def for_user(self, user):
        """What ``user`` may see; a model whose readers are not only the back office (activities)
        says so by overriding this."""
        return self.readable_by(user)

    def managed_by(self, user):
        """Every table's for superusers; a coordinator's own tables' (never the ministry's)."""
        if roles.is_superuser(user):
            return self
        return self.of_tables(roles.coordinated_table_ids(user))


def check_same_table(obj, **messages):
    """Each named link of ``obj`` (``committee="Ce comité…"``) leads to ``obj``'s own table:
    a ``ValidationError`` on every link that leads to another one."""
    errors = {
        name: message
        for name, message in messages.items()
        if getattr(obj, f"{name}_id")
        and obj.table_id
        and getattr(obj, name).table_id != obj.table_id
    }
    if errors:
        raise ValidationError(errors)
