"""Admin classes that ask every question of the rule books.

Permissions are ``user.has_perm("<app>.<action>_<model>", obj)``, answered by the app's
``rules.py``; lists, foreign-key choices, filters and autocompletes show
``Model.objects.for_user(user)``. A guessed address of an object the user may not see is a 404.
Nothing here knows a role or an app: it only asks.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import PAGE_VAR
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.core.paginator import Paginator
from django.db import models
from django.forms import ModelChoiceField, ModelMultipleChoiceField
from django.forms.models import ModelChoiceIterator, ModelChoiceIteratorValue, _get_foreign_key
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin

from common.fields import QuebecDecimalField
from common.history import readable_history
from common.validation import text_max_length


def perm_name(opts, action):
    return f"{opts.app_label}.{action}_{opts.model_name}"


def scoped(queryset, user, scope="for_user"):
    """What ``user`` may see of ``queryset``, through its model's own ``for_user`` (or the
    QuerySet method named by ``scope``); a model without one (accounts, say) is offered to
    superusers only."""
    if hasattr(queryset, scope):
        return getattr(queryset, scope)(user)
    return queryset if user.is_active and user.is_superuser else queryset.none()


def visible_to(model, user):
    return scoped(model._default_manager.all(), user)


def _walk(obj, path):
    for step in path.split("__") if path else ():
        obj = getattr(obj, step, None)
    return obj


def plan_id_of(obj):
    """The id of the plan ``obj`` belongs to (a plan's own id), through its model's
    ``plan_path``; ``None`` for an object that is no plan item, or not saved yet."""
    path = getattr(type(obj), "plan_path", None)
    if obj is None or obj.pk is None or path is None:
        return None
    if not path:
        return obj.pk
    *steps, last = path.split("__")
    parent = _walk(obj, "__".join(steps))
    return getattr(parent, f"{last}_id", None)


def short_plan_title(title, length=50):
    """A plan's title cut in its middle, so that plans of one table, whose titles differ only
    by their years, stay apart: « Plan d'action pour l'accueil… en Beauce 2025-2028 »."""
    if len(title) <= length:
        return title
    half = (length - 1) // 2
    head, tail = title[:half], title[-half:]
    head = head.rsplit(" ", 1)[0] if " " in head else head
    tail = tail.split(" ", 1)[1] if " " in tail else tail
    return f"{head.rstrip(' ,;:')}… {tail}"


def plan_item_label(obj, with_plan):
    """« 1.1 Accueillir les personnes… », or with its plan « Plan d'action 2022-2025 — 1.1
    Accueillir… » when the select offers several plans' items."""
    label = Truncator(str(obj)).chars(90)
    if not with_plan:
        return label
    plan = _walk(obj, type(obj).plan_path)
    return f"{short_plan_title(plan.title)} — {label}"


class PlanItemChoiceIterator(ModelChoiceIterator):
    """Reads the options once (their plan with them), then names the plan in every label
    when they belong to more than one."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        objs = list(self.queryset)
        path = self.queryset.model.plan_path
        several = len({_walk(obj, path).pk for obj in objs}) > 1
        for obj in objs:
            value = ModelChoiceIteratorValue(self.field.prepare_value(obj), obj)
            yield (value, plan_item_label(obj, several))


def plan_item_choices(fields, obj=None):
    """Selects of plan items (a model with ``plan_path`` and ``plan_order``: axes, objectives,
    measures, plan years…) list them in plan order, labelled with their plan when they are of
    several; editing an item of a plan (``obj``), only that plan's. A select given its own
    labels (``label_from_instance``) is left as its admin made it."""
    plan_id = plan_id_of(obj) if obj is not None else None
    for field in fields.values():
        if not isinstance(field, ModelChoiceField) or "label_from_instance" in vars(field):
            continue
        model = field.queryset.model
        path, order = getattr(model, "plan_path", ""), getattr(model, "plan_order", None)
        if not path or order is None:
            continue
        queryset = field.queryset.select_related(path).order_by(*order)
        if plan_id is not None:
            queryset = queryset.filter(**{path: plan_id})
        field.iterator = PlanItemChoiceIterator
        field.queryset = queryset


def single_option_initial(fields):
    """A required select with exactly one option starts on it (a coordinator's only table):
    one query per select, whatever the number of options."""
    for field in fields.values():
        if (
            isinstance(field, ModelChoiceField)
            and not isinstance(field, ModelMultipleChoiceField)
            and field.required
            and field.initial is None
        ):
            options = list(field.queryset.values_list("pk", flat=True)[:2])
            if len(options) == 1:
                field.initial = options[0]


def _innermost(widget):
    """The input itself, under the admin's wrapper with its add and change links."""
    while hasattr(widget, "widget"):
        widget = widget.widget
    return widget


def name_inputs(form, where=None):
    """Give each visible input of ``form`` an accessible name (``aria-label``) for the places
    where no ``<label>`` names it: the cells of a tabular inline (``where`` is the row) and
    the date and time boxes of a date-and-time field, which share one label."""
    for field in form.fields.values():
        widget = _innermost(field.widget)
        if widget.is_hidden:
            continue
        name = str(field.label or "")
        if isinstance(widget, forms.SplitDateTimeWidget):
            parts = [(widget.widgets[0], _("date")), (widget.widgets[1], _("heure"))]
        else:
            parts = [(widget, None)]
        for part, kind in parts:
            label = f"{name}, {kind}" if kind else name
            if where:
                label = f"{label} ({where})"
            part.attrs["aria-label"] = label


class LabelledRowsFormSet:
    """A tabular inline's formset whose inputs say their column and row to a screen reader
    (« Montant (ligne 2) »): the column header is not their label."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        name_inputs(form, _("ligne %(number)s") % {"number": i + 1})
        return form

    @property
    def empty_form(self):
        form = super().empty_form
        name_inputs(form, _("nouvelle ligne"))
        return form


class ScopedChoicesMixin:
    """Foreign-key and many-to-many choices are what the user may see of the related model."""

    # Web addresses typed without a scheme are read as https (Django 6's default).
    # Amounts as typed in Quebec (« 1 500,50 $ »): a number box would read « 1500,50 » as 150050.
    formfield_overrides = {
        models.URLField: {"assume_scheme": "https"},
        models.DecimalField: {"form_class": QuebecDecimalField},
    }

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if (limit := text_max_length(db_field)) is not None:  # as in the site's forms
            kwargs.setdefault("max_length", limit)
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        widget = _innermost(formfield.widget) if formfield is not None else None
        if isinstance(widget, forms.SplitDateTimeWidget):
            # Its label points at neither box: each says what it holds.
            for part, kind in ((widget.widgets[0], _("date")), (widget.widgets[1], _("heure"))):
                part.attrs.setdefault("aria-label", f"{formfield.label}, {kind}")
        return formfield

    def _scoped(self, db_field, request, kwargs):
        if "queryset" not in kwargs:
            kwargs["queryset"] = visible_to(db_field.related_model, request.user)
        return kwargs

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs = self._scoped(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs = self._scoped(db_field, request, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class RuleBookAdmin(ScopedChoicesMixin, admin.ModelAdmin):
    scope = "for_user"  # the QuerySet method that says what the list shows

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        plan_item_choices(form.base_fields, obj)
        if obj is None:
            single_option_initial(form.base_fields)
        return form

    def has_module_permission(self, request):
        return request.user.has_perm(perm_name(self.opts, "view"))

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(perm_name(self.opts, "view"), obj)

    def has_add_permission(self, request):
        return request.user.has_perm(perm_name(self.opts, "add"))

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm(perm_name(self.opts, "change"), obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.has_perm(perm_name(self.opts, "delete"), obj)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return scoped(queryset, request.user, self.scope)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404
        return obj

    def history_view(self, request, object_id, extra_context=None):
        self.get_object(request, unquote(object_id))  # another table's object: 404
        return super().history_view(request, object_id, extra_context)

    def view_on_site(self, obj):
        """The object's own page, linked directly (not through ``/admin/r/``); none while a
        refused change leaves the form's object with a value its address cannot carry."""
        get_url = getattr(obj, "get_absolute_url", None)
        try:
            return get_url() if get_url else None
        except NoReverseMatch:
            return None


class ReadableHistoryMixin:
    """simple_history's pages, readable: each entry says who, when, why, and what changed,
    field by field under its translated name, with human values (``common.history``).

    The page also shows the history of what the change page edits in its inlines (a
    measure's indicators and budget lines), and of ``history_related``: ``(model, path)``
    pairs for objects further down (``(Target, "indicator__measure")``). Reverting to a
    version is a change: refused to whoever may not change the object, and to everyone when
    ``revert_allowed`` is false; fields the user may not change keep their current value."""

    object_history_template = "admin/readable_history.html"
    history_related = ()
    revert_allowed = True

    def get_history_related(self, request, obj):
        related = []
        for inline in self.get_inline_instances(request, obj):
            if hasattr(inline.model, "history"):
                foreign_key = _get_foreign_key(self.model, inline.model, fk_name=inline.fk_name)
                related.append((inline.model, foreign_key.name))
        return [*related, *self.history_related]

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        related = self.get_history_related(request, obj)
        paginator = Paginator(readable_history(obj, related), self.history_list_per_page)
        page_obj = paginator.get_page(request.GET.get(PAGE_VAR))
        context = {
            **self.admin_site.each_context(request),
            "title": self.history_view_title(request, obj),
            "subtitle": None,
            "object": obj,
            "opts": self.opts,
            "module_name": capfirst(self.opts.verbose_name_plural),
            "page_obj": page_obj,
            "page_range": paginator.get_elided_page_range(page_obj.number),
            "page_var": PAGE_VAR,
            "pagination_required": paginator.num_pages > 1,
            "has_related": bool(related),
            "revert_disabled": self.revert_disabled(request, obj),
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.object_history_template, context)

    def history_view_title(self, request, obj):
        return _("Historique : %(object)s") % {"object": obj}

    def history_form_view_title(self, request, obj):
        if self.revert_disabled(request, obj):
            return _("Version de : %(object)s") % {"object": obj}
        return _("Rétablir une version de : %(object)s") % {"object": obj}

    def revert_disabled(self, request, obj=None):
        return not self.revert_allowed or super().revert_disabled(request, obj)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if request.method == "POST":
            if not self.revert_allowed or not self.has_change_permission(request, obj):
                raise PermissionDenied
            request._history_reverting = obj
        return super().history_form_view(request, object_id, version_id, extra_context)

    def save_model(self, request, obj, form, change):
        """On a revert, what the user may not change (read-only fields: a person's account
        for a coordinator) stays as it is now, whatever the version held."""
        current = getattr(request, "_history_reverting", None)
        if current is not None:
            for name in self.get_readonly_fields(request, current):
                try:
                    model_field = self.opts.get_field(name)
                except FieldDoesNotExist:
                    continue
                if model_field.concrete and not model_field.many_to_many:
                    setattr(obj, model_field.attname, getattr(current, model_field.attname))
        super().save_model(request, obj, form, change)


class HistoryAdmin(RuleBookAdmin, ReadableHistoryMixin, SimpleHistoryAdmin):
    """History pages for those who may view (another table's object: 404); reverting to a
    version is a change, refused to read-only accounts (the ministry)."""

    history_view = ReadableHistoryMixin.history_view  # its get_object() is the 404


class RuleBookInline(ScopedChoicesMixin):
    """Inlines follow their parent object: editable when the parent may be changed."""

    extra = 0

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        plan_item_choices(formset.form.base_fields, obj)
        return formset

    def _can_edit(self, request, obj):
        parent = obj._meta if obj is not None else self.parent_model._meta
        action = "change" if obj is not None else "add"
        return request.user.has_perm(perm_name(parent, action), obj)

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(perm_name(self.parent_model._meta, "view"), obj)

    def has_add_permission(self, request, obj=None):
        return self._can_edit(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._can_edit(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._can_edit(request, obj)


class RuleBookTabularInline(RuleBookInline, admin.TabularInline):
    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        return type(formset.__name__, (LabelledRowsFormSet, formset), {})


class RuleBookStackedInline(RuleBookInline, admin.StackedInline):
    pass


class ScopedRelatedFilter(admin.RelatedFieldListFilter):
    """A related-field filter whose options are only the objects the user may see."""

    def field_choices(self, field, request, model_admin):
        return [(obj.pk, str(obj)) for obj in visible_to(field.related_model, request.user)]
