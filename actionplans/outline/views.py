"""The « Plan complet » page: the plan's whole tree, and a plain form per item for those who
may change the plan. GET ``?modifier=mesure-<pk>`` (or ``axe-``, ``objectif-``) opens an
item's form in place, ``?ajouter=axe`` / ``objectif-<axis>`` / ``mesure-<objective>`` an
empty one under its parent, ``?renumeroter=1`` the renumbering's confirmation; each form
POSTs here, then 303 back to the item's anchor (errors: the outline again, the form open)."""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from actionplans import selectors, services
from actionplans.forms import TARGET_HELP
from actionplans.models import Axis, Measure, Objective
from actionplans.outline.forms import AxisForm, MeasureEditor, ObjectiveForm
from common.error_summary import form_errors
from common.formatting import format_number
from partners.models import Organisation

FOCUS_KEY = "plan_outline_focus"
KINDS = {"axe": Axis, "objectif": Objective, "mesure": Measure}
FORM_KINDS = ("axis-add", "axis", "objective-add", "objective", "measure-add", "measure")
PERM_NAMES = {Axis: "axis", Objective: "objective", Measure: "measure"}


@dataclass
class OpenForm:
    """The form open on the page: ``kind`` (axis, objective, measure, axis-add,
    objective-add, measure-add, renumber), the item or parent's pk, and the form."""

    kind: str
    pk: int | None = None
    form: object = None
    anchor: str = ""


class Outline:
    def __init__(self, request, plan, model_admin):
        self.request, self.plan, self.model_admin = request, plan, model_admin
        self.user = request.user
        self.url = reverse("admin:actionplans_plan_outline", args=[plan.pk])
        self.can_edit = self.user.has_perm("actionplans.change_plan", plan)
        self._years = None

    # --- reading ------------------------------------------------------------------------
    @property
    def years(self):
        if self._years is None:
            self._years = list(self.plan.years.all())
        return self._years

    def organisations(self, measure):
        """The table's organisations, and those the measure already names (the measure's
        admin page chooses among every organisation: a save here must not drop them)."""
        table = Organisation.objects.of_tables([self.plan.table_id]).values("pk")
        chosen = Q(pk__in=table)
        if measure.pk is not None:
            chosen |= Q(led_measures=measure) | Q(partner_measures=measure)
        return Organisation.objects.filter(chosen).distinct().order_by("name")

    def _items(self, model):
        if model is Axis:
            return Axis.objects.filter(plan=self.plan)
        if model is Objective:
            return Objective.objects.filter(axis__plan=self.plan).select_related("axis")
        return Measure.objects.of_plan(self.plan).current().select_related("objective__axis")

    def item(self, model, pk):
        """An item of this plan; another plan's (or table's) pk: 404."""
        if not str(pk or "").isdigit():
            raise Http404
        return get_object_or_404(self._items(model), pk=pk)

    def check(self, action, obj=None, model=None):
        model = model or type(obj)
        if not self.can_edit or not self.user.has_perm(
            f"actionplans.{action}_{PERM_NAMES[model]}", obj
        ):
            raise PermissionDenied

    # --- forms, open or posted ----------------------------------------------------------
    def proposed_axis_number(self):
        return max(self.plan.axes.values_list("number", flat=True), default=0) + 1

    def proposed_objective_number(self, axis):
        taken = set(axis.objectives.values_list("number", flat=True))
        index = len(taken) + 1
        while f"{axis.number}.{index}" in taken:
            index += 1
        return f"{axis.number}.{index}"

    def proposed_measure_number(self, objective):
        taken = set(Measure.objects.of_plan(self.plan).values_list("number", flat=True))
        index = objective.measures.count() + 1
        while f"{objective.number}.{index}" in taken:
            index += 1
        return f"{objective.number}.{index}"

    def editor(self, measure, data=None):
        return MeasureEditor(
            measure=measure,
            plan=self.plan,
            years=self.years,
            organisations=self.organisations(measure),
            data=data,
        )

    def open_form(self, kind, pk, data=None):
        """The form ``kind`` for item (or parent) ``pk``, bound to ``data`` when posted."""
        if kind == "axis-add":
            self.check("add", model=Axis)
            initial = {"number": self.proposed_axis_number()}
            form = AxisForm(data, instance=Axis(plan=self.plan), initial=initial, prefix="axe")
            return OpenForm(kind, None, form, "ajout-axe")
        if kind == "axis":
            axis = self.item(Axis, pk)
            self.check("change", axis)
            return OpenForm(kind, axis.pk, AxisForm(data, instance=axis, prefix="axe"), f"axe-{pk}")
        if kind == "objective-add":
            axis = self.item(Axis, pk)
            self.check("add", model=Objective)
            form = ObjectiveForm(
                data,
                instance=Objective(axis=axis),
                initial={"number": self.proposed_objective_number(axis)},
                prefix="objectif",
            )
            return OpenForm(kind, axis.pk, form, f"ajout-objectif-{axis.pk}")
        if kind == "objective":
            objective = self.item(Objective, pk)
            self.check("change", objective)
            form = ObjectiveForm(data, instance=objective, prefix="objectif")
            return OpenForm(kind, objective.pk, form, f"objectif-{pk}")
        if kind == "measure-add":
            objective = self.item(Objective, pk)
            self.check("add", model=Measure)
            editor = self.editor(Measure(objective=objective), data)
            editor.form.initial["number"] = self.proposed_measure_number(objective)
            return OpenForm(kind, objective.pk, editor, f"ajout-mesure-{objective.pk}")
        if kind == "measure":
            measure = self.item(Measure, pk)
            self.check("change", measure)
            return OpenForm(kind, measure.pk, self.editor(measure, data), f"mesure-{pk}")
        if kind == "renumber":
            return OpenForm(kind, None, None, "renumeroter")
        raise PermissionDenied

    def open_form_focused(self, kind, pk):
        """The form a link opened, its first box marked for the focus (with JavaScript)."""
        opened = self.open_form(kind, pk)
        form = opened.form.form if isinstance(opened.form, MeasureEditor) else opened.form
        if form is not None:
            next(iter(form.fields.values())).widget.attrs["data-outline-focus"] = ""
        return opened

    def open_from_query(self):
        """The form a link opened (``?modifier=mesure-12``), for those who may change."""
        query = self.request.GET
        if not self.can_edit:
            return None
        if query.get("renumeroter"):
            return self.open_form_focused("renumber", None)
        names = {"axe": "axis", "objectif": "objective", "mesure": "measure"}
        if value := query.get("modifier"):
            name, _sep, pk = value.partition("-")
            if name in names:
                return self.open_form_focused(names[name], pk)
        if value := query.get("ajouter"):
            name, _sep, pk = value.partition("-")
            if name == "axe":
                return self.open_form_focused("axis-add", None)
            if name in ("objectif", "mesure"):
                return self.open_form_focused(f"{names[name]}-add", pk)
        return None

    # --- writing ------------------------------------------------------------------------
    def post(self):
        if not self.can_edit:
            raise PermissionDenied
        data = self.request.POST
        action = data.get("action", "")
        if action == "move":
            return self.move()
        if action == "renumber":
            return self.renumber()
        if action not in FORM_KINDS:
            return self.redirect("outline")  # nothing asked: the outline, unchanged
        opened = self.open_form(action, data.get("item"), data)
        saved = self.save(opened)
        if saved is None:
            return self.render(opened)
        anchor, message = saved
        messages.success(self.request, message)
        return self.redirect(anchor)

    def save(self, opened):
        """Validate and save the posted form; ``(anchor, message)`` or ``None`` (errors put
        on the form, nothing saved)."""
        form = opened.form
        if not form.is_valid():
            return None
        try:
            with transaction.atomic():
                return self._save(opened)
        except ValidationError as error:
            self._errors_on(opened, error)
        except services.OutlineError as error:
            self._errors_on(opened, ValidationError(str(error)))
        return None

    def _save(self, opened):
        form, user = opened.form, self.user
        if opened.kind == "measure-add" or opened.kind == "measure":
            return self._measure_save(opened)
        data = form.cleaned_data
        if opened.kind == "axis-add":
            axis = services.axis_add(
                plan=self.plan, number=data["number"], title=data["title"], user=user
            )
            return f"axe-{axis.pk}", _("L'axe %(number)s est ajouté : %(title)s.") % {
                "number": axis.number,
                "title": axis.title,
            }
        if opened.kind == "axis":
            axis = services.axis_change(
                axis=form.instance, number=data["number"], title=data["title"], user=user
            )
            return f"axe-{axis.pk}", _("L'axe %(number)s est enregistré : %(title)s.") % {
                "number": axis.number,
                "title": axis.title,
            }
        if opened.kind == "objective-add":
            objective = services.objective_add(
                axis=form.instance.axis, number=data["number"], title=data["title"], user=user
            )
            return f"objectif-{objective.pk}", _(
                "L'objectif %(number)s est ajouté : %(title)s."
            ) % {
                "number": objective.number,
                "title": objective.title,
            }
        if opened.kind == "objective":
            objective = services.objective_change(
                objective=form.instance, number=data["number"], title=data["title"], user=user
            )
            return f"objectif-{objective.pk}", _(
                "L'objectif %(number)s est enregistré : %(title)s."
            ) % {
                "number": objective.number,
                "title": objective.title,
            }
        raise PermissionDenied

    def _measure_save(self, opened):
        editor = opened.form
        measure = editor.save(user=self.user)
        for warning in editor.warnings:
            messages.warning(self.request, warning)
        template = (
            _("Le moyen d'action %(number)s est ajouté.")
            if opened.kind == "measure-add"
            else _("Le moyen d'action %(number)s est enregistré.")
        )
        return f"mesure-{measure.pk}", template % {"number": measure.number}

    @staticmethod
    def _errors_on(opened, error):
        form = opened.form.form if isinstance(opened.form, MeasureEditor) else opened.form
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, error)

    def move(self):
        data = self.request.POST
        model = KINDS.get(data.get("kind"))
        direction = data.get("direction")
        if model is None or direction not in ("up", "down"):
            raise PermissionDenied
        item = self.item(model, data.get("item"))
        self.check("change", item)
        if model is Axis:
            services.axis_move(axis=item, direction=direction, user=self.user)
        elif model is Objective:
            services.objective_move(objective=item, direction=direction, user=self.user)
        else:
            services.measure_move(measure=item, direction=direction, user=self.user)
        if model is Axis:  # axes are ordered by their number: the two swap numbers
            message = (
                _("%(item)s est monté d'un rang (les deux axes ont échangé leur numéro).")
                if direction == "up"
                else _("%(item)s est descendu d'un rang (les deux axes ont échangé leur numéro).")
            )
        else:
            message = (
                _(
                    "« %(item)s » est monté d'un rang. Les numéros ne changent pas : « Renuméroter » les remet dans l'ordre."
                )
                if direction == "up"
                else _(
                    "« %(item)s » est descendu d'un rang. Les numéros ne changent pas : « Renuméroter » les remet dans l'ordre."
                )
            )
        messages.success(self.request, message % {"item": _label(item)})
        return self.redirect(f"{data['kind']}-{item.pk}")

    def renumber(self):
        try:
            changed = services.plan_renumber(plan=self.plan, user=self.user)
        except services.OutlineError as error:
            messages.error(self.request, str(error))
        else:
            messages.success(
                self.request,
                _("Le plan est renuméroté : %(count)s numéros ont changé.") % {"count": changed},
            )
        return self.redirect("outline")

    def redirect(self, anchor):
        self.request.session[FOCUS_KEY] = anchor
        return HttpResponseRedirect(f"{self.url}#{anchor}", status=303)

    # --- the page -----------------------------------------------------------------------
    def render(self, opened=None):
        axes = selectors.plan_tree(self.plan)
        years = self.years
        for axis in axes:
            for objective in axis.objectives.all():
                for measure in objective.measures.all():
                    measure.target_rows = _target_rows(measure, years)
        focus = self.request.session.pop(FOCUS_KEY, "") if opened is None else ""
        errors = []
        if opened is not None and opened.form is not None and self.request.method == "POST":
            if isinstance(opened.form, MeasureEditor):
                errors = opened.form.error_list(opened.anchor)
            else:
                errors = form_errors(opened.form, form_anchor=opened.anchor)
        renumbering = []
        if opened is not None and opened.kind == "renumber":
            renumbering = [
                (item, number)
                for item, number in selectors.plan_renumbering(self.plan)
                if item.number != number
            ]
        context = {
            **self.model_admin.admin_site.each_context(self.request),
            "renumbering": renumbering,
            "title": _("Plan complet : %(plan)s") % {"plan": self.plan},
            "opts": self.model_admin.opts,
            "plan": self.plan,
            "axes": axes,
            "years": years,
            "can_edit": self.can_edit,
            "open": opened,
            "form_errors": errors,
            "focus": focus,
            "outline_url": self.url,
            "target_help": TARGET_HELP,
            "change_url": reverse("admin:actionplans_plan_change", args=[self.plan.pk]),
            "object_label": self.plan.title,
            "media": self.model_admin.media,
            # The grids take the whole screen: the menu stays one click away (« Accueil »).
            "is_nav_sidebar_enabled": False,
        }
        self.request.current_app = self.model_admin.admin_site.name
        return TemplateResponse(self.request, "admin/actionplans/plan/outline.html", context)


def _label(item):
    if isinstance(item, Axis):
        return str(item)
    return Truncator(f"{item.number} {item.title}").chars(70)


def _target_rows(measure, years):
    """``[(indicator, [text of each year], whole-plan text)]`` from the prefetched targets."""
    rows = []
    for indicator in measure.indicators.all():
        texts = {
            target.year_id: target.text or format_number(target.value)
            for target in indicator.targets.all()
        }
        rows.append((indicator, [texts.get(year.pk, "") for year in years], texts.get(None, "")))
    return rows


def plan_outline_view(request, *, plan, model_admin):
    outline = Outline(request, plan, model_admin)
    if request.method == "POST":
        return outline.post()
    return outline.render(outline.open_from_query())
