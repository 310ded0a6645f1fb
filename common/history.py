"""The change history: what is recorded, and how the admin reads it back.

Every model that a coordinator, a partner or a superuser changes declares
``history = History(...)`` (django-simple-history), its many-to-many links included
(``m2m_fields``). ``History`` adds three things to simple_history's records:

- one admin save is one entry: the links a form saves after the object (``set()`` removes, then
  adds) are written into the record that the save made in the same request, instead of one
  record per signal;
- a link changed from its other side (``organisation.led_measures.add(measure)``) is recorded
  on the object that tracks the link, not on the other one;
- a save that touches only fields the history does not keep (``last_login``) records nothing.

It also says how its values read: ``money=[...]`` fields are amounts (``1 250,50 $``),
``hours=[...]`` quantities of hours (``12,5 h``), and ``value_of="indicator"`` makes each record
of the model read as one value of that object (a target is « An 2 (2023-2024) : 3 → 5 » on its
indicator), labelled by the model's ``history_value_label()`` and valued by its
``history_value()``.

``readable_history`` turns records into what a person reads: who, when, why, and each changed
field under its translated name with its human value (labels of choices, "Oui"/"Non", "—",
dates, amounts, related objects by name, links added and removed).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_lazy
from simple_history.models import HistoricalRecords
from simple_history.signals import post_create_historical_record
from simple_history.utils import get_m2m_field_name, get_m2m_reverse_field_name

from common.formatting import format_date, format_hours, format_money, format_number, format_time

# The change reason of the records made when an object's history (or its links' history)
# started: its state at that moment, not a change anyone made.
BASELINE_REASON = "history-start"
EMPTY = "—"
MAX_VALUE_LENGTH = 150
# Records of one save (an indicator and its targets) are written within this span of each other.
SAME_SAVE = timedelta(seconds=5)


class History(HistoricalRecords):
    """simple_history's ``HistoricalRecords``, one record per save with its links."""

    def __init__(self, *args, money=(), hours=(), value_of=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.money = frozenset(money)
        self.hours = frozenset(hours)
        self.value_of = value_of

    def contribute_to_class(self, cls, name):
        super().contribute_to_class(cls, name)
        cls._history_options = self

    def finalize(self, sender, **kwargs):
        super().finalize(sender, **kwargs)
        if sender is self.cls and hasattr(sender._meta, "simple_history_manager_attribute"):
            post_create_historical_record.connect(
                self._remember_record,
                sender=getattr(sender, self.manager_name).model,
                weak=False,
            )

    def post_save(self, instance, created, using=None, update_fields=None, **kwargs):
        if update_fields and not created:
            tracked = set()
            for tracked_field in self.fields_included(instance):
                tracked |= {tracked_field.name, tracked_field.attname}
            if tracked.isdisjoint(update_fields):
                return
        super().post_save(instance, created, using=using, update_fields=update_fields, **kwargs)

    def m2m_changed(self, instance, action, attr, pk_set, reverse, **kwargs):
        if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
            return
        if action == "pre_clear" and reverse:
            # pk_set is empty on clear: note now which tracked objects lose the link.
            instance.__dict__.setdefault("_history_cleared", {})[attr] = self._linked_to(
                instance, attr
            )
            return
        if action not in ("post_add", "post_remove", "post_clear"):
            return
        if action != "post_clear" and not pk_set:
            return  # add() of links that were already there: nothing changed
        if reverse:
            if action == "post_clear":
                ids = instance.__dict__.get("_history_cleared", {}).pop(attr, [])
            else:
                ids = pk_set
            targets = list(self.cls._default_manager.filter(pk__in=ids))
        elif hasattr(instance, "skip_history_when_saving"):
            return
        else:
            targets = [instance]
        for target in targets:
            self._record_links(target)

    def _linked_to(self, other, attr):
        """The ids of the tracked objects linked to ``other`` through the field ``attr``."""
        m2m_field = self.cls._meta.get_field(attr)
        through = m2m_field.remote_field.through
        source = through._meta.get_field(get_m2m_field_name(m2m_field)).attname
        target = through._meta.get_field(get_m2m_reverse_field_name(m2m_field)).attname
        return list(through.objects.filter(**{target: other.pk}).values_list(source, flat=True))

    def _record_links(self, instance):
        """The links as they are now: into the record this request already made for
        ``instance`` (the form's save before its links), else into a new record."""
        records = self._request_records()
        record = records.get((self.cls, instance.pk)) if records is not None else None
        if record is not None and type(record)._default_manager.filter(pk=record.pk).exists():
            for m2m_field in record._history_m2m_fields:
                self.m2m_models[m2m_field].objects.filter(history=record).delete()
            self.create_historical_record_m2ms(record, instance)
        else:
            self.create_historical_record(instance, "~")

    def _request_records(self):
        request = getattr(self.context, "request", None)
        if request is None:
            return None
        return request.__dict__.setdefault("_history_records", {})

    def _remember_record(self, instance, history_instance, **kwargs):
        records = self._request_records()
        if records is not None:
            records[(self.cls, instance.pk)] = history_instance


def record_links(model, pks):
    """Put the links of the ``model`` objects ``pks`` as they are now into each one's latest
    record: for links written in bulk (``through.objects.bulk_create`` sends no signal) just
    after the objects were, with their records (``bulk_create_with_history``)."""
    m2m_fields = model.history.model._history_m2m_fields
    latest = {}
    records = model.history.filter(id__in=pks).order_by("id", "-history_date", "-history_id")
    for record in records.only("history_id", "id"):
        latest.setdefault(record.id, record.history_id)
    for m2m_field in m2m_fields:
        m2m_model = HistoricalRecords.m2m_models[m2m_field]
        through = m2m_field.remote_field.through
        source = through._meta.get_field(get_m2m_field_name(m2m_field)).attname
        through_fields = [through_field.attname for through_field in through._meta.concrete_fields]
        m2m_model.objects.filter(history_id__in=latest.values()).delete()
        m2m_model.objects.bulk_create(
            m2m_model(**row, history_id=latest[row[source]])
            for row in through.objects.filter(**{f"{source}__in": latest}).values(*through_fields)
        )


@dataclass
class Change:
    """One field of one entry: a value that changed (``old`` → ``new``), a value as it was
    set (``new`` alone, in a creation), or links added and removed."""

    label: str
    old: str = ""
    new: str = ""
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    is_links: bool = False


@dataclass
class Entry:
    record: models.Model
    date: datetime
    user: str
    action: str
    reason: str
    subject: str  # empty for the object itself; "Indicateur « Nombre d'activités »" otherwise
    changes: list[Change]
    is_state: bool  # the changes are the values the object had (creation, start of history)
    is_own: bool  # a record of the object itself (it has a version page)
    is_deletion: bool = False
    user_id: int | None = None
    about: tuple | None = None  # (model, id) of the object the entry is about
    is_value: bool = False  # one value of ``about`` (a target of an indicator)
    removes_value: bool = False

    @property
    def when(self):
        return _at(self.date)


ACTIONS = {
    "+": gettext_lazy("Création"),
    "~": gettext_lazy("Modification"),
    "-": gettext_lazy("Suppression"),
}


def _options(model):
    return getattr(model, "_history_options", None)


def readable_history(obj, related=()):
    """The entries of ``obj``'s history and of its related objects' histories, newest first.

    ``related`` lists ``(model, path)``: the history of every ``model`` object whose ``path``
    (``"measure"``, ``"indicator__measure"``) led to ``obj`` at some point, deleted ones
    included. A model whose history reads as values of another object (``value_of``: targets
    of an indicator) puts its changes into that object's entry of the same save, or into one
    entry about that object. Queries: one per history table and per link table, one per
    related model named in the values, whatever the number of records.
    """
    model = type(obj)
    sources = [(model, obj.history.all(), None, None, None)]
    for related_model, path in related:
        attname, parents = _parents(related_model, path, obj.pk)
        ids = related_model.history.filter(**{f"{attname}__in": parents}).values("id")
        hidden = attname if "__" not in path else None  # the page's object itself: not news
        sources.append(
            (related_model, related_model.history.filter(id__in=ids), attname, parents, hidden)
        )

    fetched = []
    for source_model, queryset, attname, parents, hidden in sources:
        records = list(queryset.select_related("history_user").order_by())
        fetched.append((source_model, records, attname, parents, hidden))
    links = _links(fetched)
    names = _Names()
    for source_model, records, *_rest in fetched:
        for record in records:
            names.want_record(source_model, record)
        for m2m_field in _tracked_links(source_model):
            for record in records:
                for target in links.get((m2m_field, record.pk), ()):
                    names.want(m2m_field.related_model, target)
    names.resolve()

    entries = []
    for source_model, records, attname, parents, hidden in fetched:
        options = _options(source_model)
        value_of = options.value_of if options is not None and attname is not None else None
        by_object = defaultdict(list)
        for record in records:
            by_object[record.id].append(record)
        for object_records in by_object.values():
            object_records.sort(key=lambda record: (record.history_date, record.history_id))
            subject = ""
            if attname is not None:
                subject = names.subject(source_model, object_records[-1])
            previous = None
            for record in object_records:
                shown = attname is None or getattr(record, attname) in parents
                if previous is not None and not shown:
                    shown = getattr(previous, attname) in parents
                if shown and value_of is not None:
                    entry = _value_entry(source_model, record, previous, names, value_of, obj)
                    if entry is not None:
                        entries.append(entry)
                elif shown:
                    entry = _entry(source_model, record, previous, links, names, subject, hidden)
                    # A related object saved along with the page, unchanged: nothing to read.
                    if entry.is_own or entry.changes or record.history_type != "~":
                        entries.append(entry)
                previous = record
    entries = _merged(entries)
    entries.sort(key=lambda entry: entry.date, reverse=True)
    return entries


def _merged(entries):
    """The values (targets) changed in the same save as their object (an indicator's row),
    or together, read as one entry about that object; values removed with their object (the
    indicator deleted) are not repeated under its deletion."""
    entries = sorted(entries, key=lambda entry: entry.date)
    deleted = defaultdict(list)
    for entry in entries:
        if entry.is_deletion:
            deleted[entry.about].append(entry.date)
    latest = {}
    kept = []
    for entry in entries:
        if entry.is_value:
            if entry.removes_value and any(
                timedelta(0) <= moment - entry.date <= SAME_SAVE for moment in deleted[entry.about]
            ):
                continue
            group = latest.get(entry.about)
            if (
                group is not None
                and not group.is_deletion
                and group.user_id == entry.user_id
                and entry.date - group.date <= SAME_SAVE
                and entry.changes[0].label not in {change.label for change in group.changes}
            ):
                group.changes.extend(entry.changes)
                continue
        latest[entry.about] = entry
        kept.append(entry)
    return [entry for index, entry in enumerate(kept) if not _saved_for_others(kept, index)]


def _saved_for_others(entries, index):
    """An entry of the object itself that changed nothing, in a save that changed what the page
    edits below it (a budget line): that save is read in the other entries."""
    entry = entries[index]
    if not entry.is_own or entry.changes or entry.reason or entry.record.history_type != "~":
        return False
    for step in (-1, 1):
        other = index + step
        while 0 <= other < len(entries) and abs(entries[other].date - entry.date) <= SAME_SAVE:
            if entries[other].user_id == entry.user_id and not entries[other].is_own:
                return True
            other += step
    return False


def _parents(model, path, pk):
    """``(attname, ids)``: the field of ``model`` that leads toward ``pk`` along ``path``, and
    the ids it must hold (the intermediate objects' ids come from their own history)."""
    first, _, rest = path.partition("__")
    foreign_key = model._meta.get_field(first)
    if not rest:
        return foreign_key.attname, {pk}
    middle = foreign_key.related_model
    middle_attname, middle_parents = _parents(middle, rest, pk)
    ids = middle.history.filter(**{f"{middle_attname}__in": middle_parents}).values_list(
        "id", flat=True
    )
    return foreign_key.attname, set(ids)


def _tracked_links(model):
    return getattr(model.history.model, "_history_m2m_fields", [])


def _links(fetched):
    """``{(m2m field, record id): [target ids]}`` for every tracked link of the records."""
    links = defaultdict(list)
    for source_model, records, *_rest in fetched:
        if not records:
            continue
        for m2m_field in _tracked_links(source_model):
            m2m_model = HistoricalRecords.m2m_models[m2m_field]
            target = m2m_model._meta.get_field(get_m2m_reverse_field_name(m2m_field)).attname
            rows = m2m_model.objects.filter(history_id__in=[record.pk for record in records])
            for history_id, target_id in rows.values_list("history_id", target):
                links[(m2m_field, history_id)].append(target_id)
    return links


def _shown_fields(model):
    """The tracked fields a person reads: not the key, not the automatic timestamps."""
    tracked = {tracked_field.name for tracked_field in model.history.model.tracked_fields}
    return [
        model_field
        for model_field in model._meta.concrete_fields
        if model_field.name in tracked
        and not model_field.primary_key
        and not getattr(model_field, "auto_now", False)
        and not getattr(model_field, "auto_now_add", False)
    ]


def _who(record):
    user = record.history_user
    return _user_name(user) if user is not None else EMPTY


def _reason(record):
    """The reason as recorded; the portal's own reasons (« Soumise ») are in the catalogue, so
    they read in the page's language."""
    reason = record.history_change_reason or ""
    return gettext(reason) if reason else ""


def _entry(model, record, previous, links, names, subject, hidden=None):
    baseline = record.history_change_reason == BASELINE_REASON
    is_state = previous is None or baseline or record.history_type == "+"
    changes = []
    if record.history_type != "-":
        for model_field in _shown_fields(model):
            if model_field.attname == hidden:
                continue
            new = getattr(record, model_field.attname)
            if is_state:
                if new not in (None, ""):
                    changes.append(
                        Change(
                            capfirst(model_field.verbose_name), new=names.value(model_field, new)
                        )
                    )
                continue
            old = getattr(previous, model_field.attname)
            if old != new:
                changes.append(
                    Change(
                        capfirst(model_field.verbose_name),
                        old=names.value(model_field, old),
                        new=names.value(model_field, new),
                    )
                )
        for m2m_field in _tracked_links(model):
            related_model = m2m_field.related_model
            new_ids = set(links.get((m2m_field, record.pk), ()))
            old_ids = set() if is_state else set(links.get((m2m_field, previous.pk), ()))
            added = sorted(names.name(related_model, pk) for pk in new_ids - old_ids)
            removed = sorted(names.name(related_model, pk) for pk in old_ids - new_ids)
            if added or removed:
                changes.append(
                    Change(
                        capfirst(m2m_field.verbose_name),
                        added=added,
                        removed=removed,
                        is_links=True,
                    )
                )
    if baseline:
        action, reason = gettext("Début de l'historique"), ""
    else:
        action, reason = str(ACTIONS[record.history_type]), _reason(record)
    return Entry(
        record=record,
        date=record.history_date,
        user=_who(record),
        action=action,
        reason=reason,
        subject=subject,
        changes=changes,
        is_state=is_state and record.history_type != "-",
        is_own=not subject,
        is_deletion=record.history_type == "-",
        user_id=record.history_user_id,
        about=(model, record.id),
    )


def _value_entry(model, record, previous, names, owner_field, page_object):
    """A record of a value (a target) read as a change of its object (the indicator): « An 2
    (2023-2024) : 3 → 5 »; None when what a person reads did not change."""
    foreign_key = model._meta.get_field(owner_field)
    owner = (foreign_key.related_model, getattr(record, foreign_key.attname))
    instance = names.instance(model, record)
    label = _call(instance.history_value_label)
    old = EMPTY
    if previous is not None and previous.history_type != "-":
        old = _call(names.instance(model, previous).history_value) or EMPTY
    new = EMPTY
    if record.history_type != "-":
        new = _call(instance.history_value) or EMPTY
    if old == new:
        return None
    subject = ""
    if owner != (type(page_object), page_object.pk):
        subject = names.subject_of(*owner)
    return Entry(
        record=record,
        date=record.history_date,
        user=_who(record),
        action=str(ACTIONS["~"]),
        reason=_reason(record) if record.history_change_reason != BASELINE_REASON else "",
        subject=subject,
        changes=[Change(label, old=old, new=new)],
        is_state=False,
        is_own=False,
        user_id=record.history_user_id,
        about=owner,
        is_value=True,
        removes_value=record.history_type == "-",
    )


def _call(method):
    try:
        return str(method())
    except models.ObjectDoesNotExist:
        return ""


class _Names:
    """The names of the objects the records point to, fetched once per model, deleted ones
    included (by their last recorded name)."""

    def __init__(self):
        self.wanted = defaultdict(set)
        self.objects = {}
        self.gone = {}

    def want(self, model, pk):
        if pk is not None:
            self.wanted[model].add(pk)

    def want_record(self, model, record):
        for model_field in _shown_fields(model):
            if model_field.many_to_one or model_field.one_to_one:
                self.want(model_field.related_model, getattr(record, model_field.attname))

    def resolve(self):
        for model, pks in self.wanted.items():
            related = [
                model_field.name
                for model_field in model._meta.concrete_fields
                if model_field.many_to_one or model_field.one_to_one
            ]
            found = model._base_manager.select_related(*related).in_bulk(pks)
            for pk, obj in found.items():
                self.objects[(model, pk)] = obj
            missing = pks - set(found)
            if missing and hasattr(model, "history"):
                last = model.history.filter(id__in=missing).order_by(
                    "id", "-history_date", "-history_id"
                )
                for record in last:
                    if (model, record.id) not in self.gone:
                        self.gone[(model, record.id)] = _instance(model, record)

    def name(self, model, pk):
        obj = self.objects.get((model, pk))
        if obj is not None:
            return _safe_str(obj)
        gone = self.gone.get((model, pk))
        label = _safe_str(gone) if gone is not None else _number(pk)
        return gettext("%(name)s (n'existe plus)") % {"name": label}

    def instance(self, model, record):
        """The object as ``record`` saw it, its related objects in place (no query)."""
        instance = _instance(model, record)
        for model_field in model._meta.concrete_fields:
            if model_field.many_to_one or model_field.one_to_one:
                key = (model_field.related_model, getattr(record, model_field.attname))
                target = self.objects.get(key) or self.gone.get(key)
                if target is not None:
                    model_field.set_cached_value(instance, target)
        return instance

    def subject(self, model, record):
        return _subject(model, _safe_str(self.instance(model, record)))

    def subject_of(self, model, pk):
        """« Indicateur « Nombre d'activités » », deleted or not."""
        obj = self.objects.get((model, pk)) or self.gone.get((model, pk))
        return _subject(model, _safe_str(obj) if obj is not None else _number(pk))

    def value(self, model_field, value):
        if value is None or value == "":
            return EMPTY
        if model_field.many_to_one or model_field.one_to_one:
            return self.name(model_field.related_model, value)
        if model_field.flatchoices:
            return str(dict(model_field.flatchoices).get(value, value))
        if isinstance(model_field, models.BooleanField):
            return gettext("Oui") if value else gettext("Non")
        if isinstance(value, datetime):
            return _at(value)
        if isinstance(value, date):
            return format_date(value)
        options = _options(model_field.model)
        if options is not None and model_field.name in options.money:
            return format_money(value)
        if options is not None and model_field.name in options.hours:
            return format_hours(value)
        if isinstance(model_field, models.DecimalField):
            return format_number(value, model_field.decimal_places)
        if isinstance(model_field, models.IntegerField):
            return format_number(value)
        if isinstance(model_field, models.FileField):
            return str(value).rsplit("/", 1)[-1]
        text = " ".join(str(value).split())
        if len(text) > MAX_VALUE_LENGTH:
            text = text[: MAX_VALUE_LENGTH - 1].rstrip() + "…"
        return text


def _subject(model, name):
    return gettext("%(model)s « %(name)s »") % {
        "model": capfirst(model._meta.verbose_name),
        "name": name,
    }


def _number(pk):
    return gettext("n° %(number)s") % {"number": pk}


def _user_name(user):
    return user.get_full_name() or user.get_username()


def _at(moment):
    return gettext("%(date)s à %(time)s") % {
        "date": format_date(moment),
        "time": format_time(moment),
    }


def _instance(model, record):
    """The object as the record saw it, built without a query (unlike ``record.instance``,
    which fetches the fields the history leaves out)."""
    return model(
        **{tracked.attname: getattr(record, tracked.attname) for tracked in record.tracked_fields}
    )


def _safe_str(obj):
    """``str(obj)`` (an account by its person's name), or its number when its name depends on
    an object that no longer exists."""
    if isinstance(obj, AbstractBaseUser):
        return _user_name(obj)
    try:
        return str(obj)
    except models.ObjectDoesNotExist:
        return _number(obj.pk)


def start_history(apps, *labels, history_app=None):
    """For a data migration: one record per existing row of the models ``labels`` names
    (``"partners.Table"``; their history models are in ``history_app`` when it is not the
    models' own app), so that the first change made afterwards is compared with
    something. A row without any record gets its creation record ("+"); a row that has some
    gets a new one ("~") when the history now keeps its links, which it did not before. Both
    carry ``BASELINE_REASON`` and no user: nobody made them."""
    now = timezone.now()
    for label in labels:
        app_label, name = label.split(".")
        model = apps.get_model(app_label, name)
        history = apps.get_model(history_app or app_label, f"Historical{name}")
        links = []
        for m2m_field in model._meta.local_many_to_many:
            through = m2m_field.remote_field.through
            try:
                m2m_history = apps.get_model(
                    history_app or app_label, f"Historical{through._meta.object_name}"
                )
            except LookupError:
                continue
            links.append((m2m_field, through, m2m_history))
        recorded = set(history.objects.values_list("id", flat=True).distinct())
        copied = [
            history_field.attname
            for history_field in history._meta.concrete_fields
            if not history_field.attname.startswith("history_")
        ]
        rows = model._base_manager.values(*copied)
        records = [
            history(
                **row,
                history_date=now,
                history_type="~" if row["id"] in recorded else "+",
                history_change_reason=BASELINE_REASON,
            )
            for row in rows.iterator(chunk_size=2000)
            if links or row["id"] not in recorded
        ]
        records = history.objects.bulk_create(records, batch_size=1000)
        record_of = {record.id: record.history_id for record in records}
        for m2m_field, through, m2m_history in links:
            source = m2m_field.m2m_field_name()
            through_fields = [
                through_field.attname
                for through_field in through._meta.concrete_fields
                if through_field.attname != "m2m_history_id"
            ]
            copies = [
                m2m_history(**row, history_id=record_of[row[f"{source}_id"]])
                for row in through.objects.values(*through_fields).iterator(chunk_size=2000)
                if row[f"{source}_id"] in record_of
            ]
            m2m_history.objects.bulk_create(copies, batch_size=1000)
