from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Q, prefetch_related_objects
from django.forms import CheckboxSelectMultiple
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportMixin

from actionplans import selectors, services
from actionplans.admin_views import plan_import_view
from actionplans.budget import line_years, spread
from actionplans.exports import plan as exports
from actionplans.forms import (
    ActualExpenseForm,
    PlanSheetConfirmForm,
    PlanSheetImportForm,
    indicator_form_for_years,
)
from actionplans.models import (
    ActualExpense,
    Axis,
    BudgetLine,
    Indicator,
    Measure,
    Objective,
    Plan,
    PlanExpense,
    PlanYear,
    Target,
)
from actionplans.models.money import FundingSource
from actionplans.outline.forms import BudgetLineRowForm
from actionplans.outline.views import plan_outline_view
from actionplans.resources import MeasureResource, SheetCSV, SheetXLSX
from actionplans.rules import PeriodLocked, locked_period_reason, period_lock_covering
from common.admin import HistoryAdmin, RuleBookTabularInline, ScopedRelatedFilter
from common.formatting import format_date, format_hours, format_money
from common.responses import file_response
from common.slugs import unique_slug
from common.spreadsheets import SpreadsheetError
from partners import roles
from partners.models import Table


class PlanYearInline(RuleBookTabularInline):
    model = PlanYear
    fields = ["number", "start_date", "end_date"]
    readonly_fields = fields
    can_delete = False
    verbose_name_plural = _("Années du plan (calculées à partir des dates du plan)")

    def has_add_permission(self, request, obj=None):
        return False


class AxisInline(RuleBookTabularInline):
    model = Axis
    fields = ["number", "title"]
    show_change_link = True


class PlanYearChoicesMixin:
    """The « année du plan » select of a line: its plan's years only, « An 1 (2022-2023) »,
    read once for the page however many lines it shows; empty means spread."""

    empty_year_label = None

    def plan_of(self, obj):
        raise NotImplementedError

    def get_formset(self, request, obj=None, **kwargs):
        plan = self.plan_of(obj)
        self._years = list(plan.years.all()) if plan is not None else []
        formset = super().get_formset(request, obj, **kwargs)
        field = formset.form.base_fields.get("year")
        if field is not None:
            field.queryset = PlanYear.objects.filter(pk__in=[year.pk for year in self._years])
            field.choices = [("", self.empty_year_label)] + [
                (year.pk, str(year)) for year in self._years
            ]
        return formset


class PlanExpenseInline(PlanYearChoicesMixin, RuleBookTabularInline):
    model = PlanExpense
    fields = ["kind", "label", "amount", "source", "year"]
    empty_year_label = _("Réparti sur les années du plan")

    def plan_of(self, obj):
        return obj


def _plan_names(plans):
    return ", ".join(_("« %(title)s »") % {"title": plan.title} for plan in plans)


@admin.register(Plan)
class PlanAdmin(HistoryAdmin):
    list_display = ["title", "table", "period", "status"]  # see get_list_display
    actions = ["publish", "unpublish", "export", "duplicate_next_cycle"]
    list_filter = ["status", ("table", ScopedRelatedFilter)]
    list_select_related = ["table"]
    search_fields = ["title", "table__name"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "start_date"
    inlines = [PlanYearInline, AxisInline, PlanExpenseInline]
    # The objectives are edited from their axis: their history shows here too.
    history_related = [(Objective, "axis__plan")]
    fieldsets = [
        (None, {"fields": ["table", "title", "slug", "status"]}),
        (_("Période et financement"), {"fields": ["start_date", "end_date", "funding_programme"]}),
        (_("Orientation"), {"fields": ["general_objective"]}),
    ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        """The address's identifier may be left empty (without JavaScript nothing fills it):
        the title's, made unique, is then taken."""
        form = super().get_form(request, obj, change, **kwargs)
        if "slug" in form.base_fields:
            form.base_fields["slug"].required = False
            form.base_fields["slug"].help_text = _(
                "L'adresse de la page publique du plan ; laissé vide, il est tiré du titre."
            )
        return form

    def save_model(self, request, obj, form, change):
        if not obj.slug:
            obj.slug = unique_slug(Plan, obj.title, fallback="plan")
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.plan_years_sync(plan=form.instance)

    @admin.display(description=_("plan complet"))
    def outline_link(self, plan):
        url = reverse("admin:actionplans_plan_outline", args=[plan.pk])
        label = _("Plan complet")
        # The plan's title in the link's name, not in a hidden span: one placed out of the
        # last column pushed the page sideways on a phone.
        return format_html(
            '<a href="{}" aria-label="{}">{}</a>',
            url,
            _("%(label)s : %(plan)s") % {"label": label, "plan": plan.title},
            label,
        )

    def view_on_site(self, obj):
        """« Voir sur le site » for a published plan; a draft has « Aperçu public » instead."""
        return super().view_on_site(obj) if obj.status == Plan.Status.PUBLISHED else None

    def get_list_display(self, request):
        """Short columns, so that the list fits beside the menu at 1280 px. The last one links
        to the plan's public page: « Voir sur le site » when it is published, « Aperçu public » for a draft the user may preview (its coordination)."""

        @admin.display(description=_("site public"))
        def public_link(plan):
            if plan.status == Plan.Status.PUBLISHED:
                label = _("Voir sur le site")
            elif request.user.has_perm("actionplans.preview_plan", plan):
                label = _("Aperçu public")
            else:
                return "—"
            return format_html('<a href="{}">{}</a>', plan.get_absolute_url(), label)

        columns = ["title", "period", "status", "outline_link", public_link]
        if (
            roles.sees_all_tables(request.user)
            or len(roles.coordinated_table_ids(request.user)) > 1
        ):
            columns.insert(1, "table")  # one table's coordination knows whose plans they are
        return columns

    @admin.display(description=_("période"), ordering="start_date")
    def period(self, plan):
        return f"{plan.start_date.year}-{plan.end_date.year}"

    def _refused(self, request, queryset, perm):
        """The selected plans ``perm`` is refused for, reported; the action then does nothing
        (none of the selection rather than part of it)."""
        refused = [plan for plan in queryset if not request.user.has_perm(perm, plan)]
        if refused:
            self.message_user(
                request,
                _("Rien n'a été fait : vous ne pouvez pas modifier %(plans)s.")
                % {"plans": _plan_names(refused)},
                messages.ERROR,
            )
        return refused

    def _set_status(self, request, queryset, service, done_message, already_message):
        plans = list(queryset.select_related("table"))
        if self._refused(request, plans, "actionplans.change_plan"):
            return
        with transaction.atomic():
            changed = [plan for plan in plans if service(plan=plan, user=request.user)]
        unchanged = [plan for plan in plans if plan not in changed]
        if changed:
            self.message_user(request, done_message % {"plans": _plan_names(changed)})
        if unchanged:
            self.message_user(
                request, already_message % {"plans": _plan_names(unchanged)}, messages.WARNING
            )

    @admin.action(description=_("Publier les plans sélectionnés"), permissions=["change"])
    def publish(self, request, queryset):
        self._set_status(
            request,
            queryset,
            services.plan_publish,
            _("Publiés sur le site : %(plans)s."),
            _("Déjà publiés, rien de changé : %(plans)s."),
        )

    @admin.action(
        description=_("Dépublier les plans sélectionnés (retour au brouillon)"),
        permissions=["change"],
    )
    def unpublish(self, request, queryset):
        self._set_status(
            request,
            queryset,
            services.plan_unpublish,
            _("Retirés du site, redevenus des brouillons : %(plans)s."),
            _("Déjà des brouillons, rien de changé : %(plans)s."),
        )

    @admin.action(
        description=_("Exporter les plans sélectionnés (XLSX ; plusieurs : un zip)"),
        permissions=["view"],
    )
    def export(self, request, queryset):
        plans = list(queryset.order_by("-start_date", "title"))
        refused = [p for p in plans if not request.user.has_perm("actionplans.view_plan", p)]
        if refused:
            raise PermissionDenied
        return file_response(*exports.plans_export(plans, "xlsx"))

    @admin.action(description=_("Dupliquer comme brouillon du prochain cycle"), permissions=["add"])
    def duplicate_next_cycle(self, request, queryset):
        """A new plan for each plan's table: asked as adding a plan to that table."""
        plans = list(queryset.select_related("table"))
        if self._refused(request, plans, "actionplans.add_plan"):
            return None
        with transaction.atomic():
            created = [
                services.plan_duplicate_next_cycle(plan=plan, user=request.user) for plan in plans
            ]
        for plan, new in zip(plans, created, strict=True):
            self.message_user(
                request,
                _(
                    "« %(new)s » (du %(start)s au %(end)s) est le brouillon du prochain cycle de "
                    "« %(plan)s » : ses axes, objectifs, moyens d'action, cibles et budgets y "
                    "sont copiés, sans activités ni dépenses réelles."
                )
                % {
                    "new": new.title,
                    "plan": plan.title,
                    "start": format_date(new.start_date),
                    "end": format_date(new.end_date),
                },
                messages.SUCCESS,
            )
            if overlapping := list(selectors.plans_overlapping(new)):
                self.message_user(
                    request,
                    _(
                        "Attention : la table a déjà un plan sur cette période, %(plans)s. "
                        "Supprimez le brouillon en trop s'il fait double emploi."
                    )
                    % {"plans": _plan_names(overlapping)},
                    messages.WARNING,
                )
        if len(created) == 1:
            return redirect(reverse("admin:actionplans_plan_change", args=[created[0].pk]))
        return None

    def get_urls(self):
        return [
            path(
                "<path:object_id>/plan-complet/",
                self.admin_site.admin_view(self.outline_view),
                name="actionplans_plan_outline",
            ),
            path(
                "<path:object_id>/exporter/<str:file_format>/",
                self.admin_site.admin_view(self.export_view),
                name="actionplans_plan_export",
            ),
            path(
                "importer/<int:table_id>/",
                self.admin_site.admin_view(self.import_view),
                name="actionplans_plan_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request, table_id):
        """ "Importer un plan", linked from the table's page."""
        table = get_object_or_404(Table.objects.readable_by(request.user), pk=table_id)
        if not request.user.has_perm("actionplans.import_plan", table):
            raise PermissionDenied
        return plan_import_view(request, table=table, model_admin=self)

    def outline_view(self, request, object_id):
        """« Plan complet »: the whole tree, where the coordinators build the plan."""
        plan = self.get_object(request, unquote(object_id))  # another table's plan: 404
        if not self.has_view_permission(request, plan):
            raise PermissionDenied
        return plan_outline_view(request, plan=plan, model_admin=self)

    def export_view(self, request, object_id, file_format):
        plan = self.get_object(request, object_id)
        if file_format not in exports.FORMATS:
            raise Http404
        return file_response(*exports.plan_export(plan, file_format))


class ObjectiveInline(RuleBookTabularInline):
    model = Objective
    fields = ["number", "title", "position"]
    show_change_link = True


@admin.register(Axis)
class AxisAdmin(HistoryAdmin):
    list_display = ["__str__", "plan"]
    list_filter = [("plan", ScopedRelatedFilter)]
    list_select_related = ["plan"]
    search_fields = ["title", "plan__title"]
    inlines = [ObjectiveInline]
    fields = ["plan", "number", "title"]


class MeasureInline(RuleBookTabularInline):
    model = Measure
    fields = ["number", "title", "schedule_text", "is_continuous", "outside_pac", "position"]
    show_change_link = True


@admin.register(Objective)
class ObjectiveAdmin(HistoryAdmin):
    list_display = ["number", "title", "axis"]
    list_filter = [("axis__plan", ScopedRelatedFilter)]
    list_select_related = ["axis"]
    search_fields = ["number", "title"]
    inlines = [MeasureInline]
    fields = ["axis", "number", "title", "position"]


def _plan_years(measure):
    """The years of the measure's plan, fetched once however often the admin asks."""
    if measure is None:
        return []
    plan = measure.objective.axis.plan
    prefetch_related_objects([plan], "years")
    return list(plan.years.all())


class IndicatorInline(RuleBookTabularInline):
    model = Indicator

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("targets")

    def get_formset(self, request, obj=None, **kwargs):
        kwargs["form"] = indicator_form_for_years(_plan_years(obj))
        kwargs["fields"] = None
        return super().get_formset(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        targets = [f"target_year_{year.number}" for year in _plan_years(obj)]
        return ["label", "unit", "is_cumulative", "baseline", *targets, "target_plan", "position"]


class BudgetLineInline(PlanYearChoicesMixin, RuleBookTabularInline):
    model = BudgetLine
    fields = [*BudgetLineRowForm.Meta.fields, "split_link"]  # the outline's row, and the split
    readonly_fields = ["split_link"]
    empty_year_label = _("Réparti sur l'échéance")

    def plan_of(self, obj):
        return obj.objective.axis.plan if obj is not None else None

    def get_formset(self, request, obj=None, **kwargs):
        self._can_split = obj is not None and self.has_change_permission(request, obj)
        return super().get_formset(request, obj, **kwargs)

    @admin.display(description=_("par année"))
    def split_link(self, line):
        """A link to the page that splits an unsplit line per year (a form there: no
        JavaScript, nothing changed by following a link)."""
        if line.pk is None or line.year_id is not None or not getattr(self, "_can_split", False):
            return "—"
        url = reverse("admin:actionplans_measure_split_line", args=[line.measure_id, line.pk])
        return format_html('<a href="{}">{}</a>', url, _("Répartir par année"))


SHEET_CLAIM_SECONDS = 7 * 24 * 3600  # longer than a confirmation page stays open


class ArchivedFilter(admin.SimpleListFilter):
    """The list shows the plan's current measures unless asked for the archived ones."""

    title = _("archivage")
    parameter_name = "archive"

    def lookups(self, request, model_admin):
        return [("oui", _("Archivés")), ("tous", _("Tous"))]

    def choices(self, changelist):
        yield {
            "selected": self.value() is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": _("Actuels"),
        }
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        if self.value() == "oui":
            return queryset.archived()
        if self.value() == "tous":
            return queryset
        return queryset.current()


@admin.register(Measure)
class MeasureAdmin(ImportMixin, HistoryAdmin):
    """Measures; "Importer" takes back a plan spreadsheet exported from the plan page."""

    resource_classes = [MeasureResource]
    import_formats = [SheetXLSX, SheetCSV]  # what the plan page exports, read within bounds
    import_form_class = PlanSheetImportForm
    confirm_form_class = PlanSheetConfirmForm
    import_template_name = "admin/actionplans/measure/import.html"
    list_display = ["number", "short_title", "plan", "schedule_text", "outside_pac", "total"]
    list_filter = [
        ArchivedFilter,
        ("objective__axis__plan", ScopedRelatedFilter),
        "is_continuous",
        "outside_pac",
    ]
    search_fields = ["number", "title", "responsibility"]
    autocomplete_fields = ["leads", "partners"]
    readonly_fields = ["budget_summary", "archived_at"]
    inlines = [IndicatorInline, BudgetLineInline]
    # The targets are edited in the indicators' rows: their history shows here too.
    history_related = [(Target, "indicator__measure")]
    fieldsets = [
        (None, {"fields": ["objective", "number", "title", "position"]}),
        (_("Responsables"), {"fields": ["responsibility", "leads", "partners"]}),
        (_("Échéance"), {"fields": ["years", "is_continuous", "schedule_text"]}),
        (_("Budget"), {"fields": ["outside_pac", "budget_summary"]}),
        (_("Notes"), {"fields": ["notes", "archived_at"]}),
    ]

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        for inline_form in formset.forms:
            for warning in getattr(inline_form, "target_warnings", ()):
                messages.warning(request, warning)

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("objective__axis__plan")
        return selectors.measures_with_totals(queryset).in_plan_order()

    def get_urls(self):
        return [
            path(
                "<path:object_id>/lignes/<int:line_id>/repartir/",
                self.admin_site.admin_view(self.split_line_view),
                name="actionplans_measure_split_line",
            ),
            *super().get_urls(),
        ]

    def split_line_view(self, request, object_id, line_id):
        """« Répartir par année »: what the line becomes, then a button that does it."""
        measure = self.get_object(request, object_id)  # another table's measure: 404
        line = get_object_or_404(measure.budget_lines.select_related("year"), pk=line_id)
        if not self.has_change_permission(request, measure) or not request.user.has_perm(
            "actionplans.change_budgetline", line
        ):
            raise PermissionDenied
        change_url = reverse("admin:actionplans_measure_change", args=[measure.pk])
        if request.method == "POST":
            try:
                parts = services.budget_line_split(line=line)
            except (services.BudgetLineSplitError, PeriodLocked) as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                self.message_user(
                    request,
                    _(
                        "La ligne est répartie en %(count)s lignes, une par année : le total du "
                        "moyen d'action reste le même."
                    )
                    % {"count": len(parts)},
                    messages.SUCCESS,
                )
            return redirect(change_url)
        years = line_years(line, list(measure.objective.axis.plan.years.all()))
        shares = spread(line.total, years)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Répartir une ligne budgétaire par année"),
            "opts": self.opts,
            "measure": measure,
            "line": line,
            "shares": [(year, shares[year]) for year in years],
            "already_split": line.year_id is not None,
            "change_url": change_url,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/actionplans/measure/split_line.html", context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if obj is not None and "years" in form.base_fields:
            form.base_fields["years"].queryset = obj.objective.axis.plan.years.all()
        return form

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "years":
            kwargs["widget"] = CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_import_permission(self, request):
        return request.user.has_perm("actionplans.change_measure")

    @staticmethod
    def _read_errors(error):
        """What is wrong with the file, rather than which exception reading it raised."""
        if isinstance(error, SpreadsheetError):
            return error.messages
        if isinstance(error, UnicodeDecodeError):
            return [
                _("Ce fichier n'est pas du texte UTF-8 : enregistrez-le en CSV UTF-8 ou en .xlsx.")
            ]
        return None

    def add_data_read_fail_error_to_form(self, form, e):
        reasons = self._read_errors(e)
        if reasons is None:
            return super().add_data_read_fail_error_to_form(form, e)
        for reason in reasons:
            form.add_error("import_file", reason)

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None)
        if context is not None and not context.get("fields_list"):
            # import-export lists the columns only when the file could be read; list them
            # beside the refusal too, where they help most.
            resource = MeasureResource(**self.get_import_resource_kwargs(request))
            context["fields_list"] = [
                (
                    resource.get_display_name(),
                    [field.column_name for field in resource.get_user_visible_fields()],
                )
            ]
        return response

    def _editable_plans(self, request):
        return Plan.objects.managed_by(request.user).select_related("table")

    def get_import_form_kwargs(self, request):
        return {**super().get_import_form_kwargs(request), "plans": self._editable_plans(request)}

    def get_confirm_form_kwargs(self, request, import_form=None):
        kwargs = super().get_confirm_form_kwargs(request, import_form)
        return {**kwargs, "plans": self._editable_plans(request)}

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is not None:
            initial["plan"] = import_form.cleaned_data["plan"].pk
        return initial

    def process_import(self, request, **kwargs):
        """The confirmation applies its uploaded file once: it claims the file's name first (an
        atomic ``add`` on the shared cache), so the same confirmation sent twice (a double
        click, the back button) is told so instead of importing again or failing on the file
        the first one removed. Two imports into one plan also wait for each other
        (``MeasureResource.import_data``)."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        name = request.POST.get("import_file_name", "")
        if name and not cache.add(f"plan-sheet-import:{name}", True, timeout=SHEET_CLAIM_SECONDS):
            self.message_user(
                request,
                _(
                    "Ce tableur a déjà été importé : la confirmation a été envoyée deux fois, "
                    "et rien n'a été changé de plus."
                ),
                messages.WARNING,
            )
            return redirect("admin:actionplans_measure_changelist")
        try:  # the confirmation reads the file again, in the format the form names
            return super().process_import(request, **kwargs)
        except (SpreadsheetError, UnicodeDecodeError) as error:
            for message in self._read_errors(error):
                messages.error(request, message)
            return redirect("admin:actionplans_measure_import")

    def get_import_resource_kwargs(self, request, **kwargs):
        form = kwargs.get("form")
        plan = form.cleaned_data.get("plan") if form is not None and form.is_bound else None
        return {"plan": plan} if plan else {}

    @admin.display(description=_("moyen d'action"))
    def short_title(self, measure):
        return measure.title[:90]

    @admin.display(description=_("plan"), ordering="objective__axis__plan__title")
    def plan(self, measure):
        return measure.objective.axis.plan

    @admin.display(description=_("total"), ordering="total_budget")
    def total(self, measure):
        return format_money(measure.total_budget)

    @admin.display(description=_("total du budget"))
    def budget_summary(self, measure):
        if measure.pk is None:
            return "—"
        return _("Total : %(amount)s (%(hours)s)") % {
            "amount": format_money(measure.total_budget),
            "hours": format_hours(measure.total_hours),
        }


@admin.register(Target)
class TargetAdmin(HistoryAdmin):
    list_display = ["indicator", "year", "text", "value"]
    list_select_related = ["indicator", "year__plan"]
    search_fields = ["indicator__label", "text"]
    autocomplete_fields = ["indicator"]


@admin.register(Indicator)
class IndicatorAdmin(HistoryAdmin):
    list_display = ["label", "measure", "unit", "is_cumulative"]
    list_select_related = ["measure"]
    search_fields = ["label", "measure__number", "measure__title"]
    fields = ["measure", "label", "unit", "is_cumulative", "baseline", "position"]
    autocomplete_fields = ["measure"]
    history_related = [(Target, "indicator")]


class ExpenseYearFilter(admin.SimpleListFilter):
    """The plan year an expense's date falls in (An 1, An 2…, whatever the plan's dates)."""

    title = _("année du plan")
    parameter_name = "annee"

    def lookups(self, request, model_admin):
        numbers = (
            PlanYear.objects.for_user(request.user)
            .order_by("number")
            .values_list("number", flat=True)
            .distinct()
        )
        return [(str(n), _("An %(number)s") % {"number": n}) for n in numbers]

    def queryset(self, request, queryset):
        if not (self.value() or "").isdigit():
            return queryset
        return queryset.filter(
            plan__years__number=int(self.value()),
            date__gte=F("plan__years__start_date"),
            date__lte=F("plan__years__end_date"),
        )


class ExpenseSourceFilter(admin.SimpleListFilter):
    title = _("source de financement")
    parameter_name = "source"

    def lookups(self, request, model_admin):
        return FundingSource.choices

    def queryset(self, request, queryset):
        if self.value() not in FundingSource.values:
            return queryset
        return queryset.filter(
            Q(budget_line__source=self.value()) | Q(plan_expense__source=self.value())
        )


def _plan_name(plan):
    return Truncator(plan.title).chars(50)


def budget_line_label(line, with_plan=True):
    """« Plan Beauce — 1.1.1 — Ministère : PAC — An 2 (2023-2024) — Capsules »."""
    measure = line.measure
    parts = [measure.number, line.get_source_display()]
    parts.append(str(line.year) if line.year_id else _("Réparti sur l'échéance"))
    if line.description:
        parts.append(Truncator(line.description).chars(50))
    if with_plan:
        parts.insert(0, _plan_name(measure.objective.axis.plan))
    return " — ".join(str(part) for part in parts)


def plan_line_label(expense, with_plan=True):
    """« Plan Beauce — Frais de gestion — Ministère : PAC »."""
    parts = [expense.label, expense.get_source_display()]
    if with_plan:
        parts.insert(0, _plan_name(expense.plan))
    return " — ".join(str(part) for part in parts)


class LockedPeriodAdmin(HistoryAdmin):
    """Objects dated in a locked period say why they cannot change: a warning on their page, the
    reason instead of the delete page, and on the bulk delete page. ``lock_reason(obj)`` gives
    it ("" when the object's period is open); the rule book refuses the writes themselves."""

    def lock_reason(self, obj):
        raise NotImplementedError

    def _lock_reason_of(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        return self.lock_reason(obj) if obj is not None else ""

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if reason := self._lock_reason_of(request, object_id):
            messages.warning(request, reason)
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        if reason := self._lock_reason_of(request, object_id):
            messages.error(request, reason)
            opts = self.model._meta
            return redirect(f"admin:{opts.app_label}_{opts.model_name}_change", object_id)
        return super().delete_view(request, object_id, extra_context)

    def get_deleted_objects(self, objs, request):
        for obj in objs:
            if reason := self.lock_reason(obj):
                messages.error(request, f"{obj} : {reason}")
        return super().get_deleted_objects(objs, request)


@admin.register(ActualExpense)
class ActualExpenseAdmin(LockedPeriodAdmin):
    """What the coordination actually spent, per line and date. Every write asks the rule book
    (``has_*_permission`` for the stored expense, the form for the expense as it would be
    saved): a predicate added there (a locked period) applies here."""

    form = ActualExpenseForm
    list_display = ["date", "plan_name", "line_label", "amount_display", "description"]
    list_filter = [("plan", ScopedRelatedFilter), ExpenseYearFilter, ExpenseSourceFilter]
    list_select_related = [
        "plan",
        "budget_line__measure__objective__axis__plan",
        "budget_line__year",
        "plan_expense__plan",
    ]
    search_fields = ["description", "budget_line__measure__number", "plan_expense__label"]
    date_hierarchy = "date"
    fields = ["budget_line", "plan_expense", "date", "amount", "description"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.user = request.user
        form.perm = "actionplans.change_actualexpense" if obj else "actionplans.add_actualexpense"
        return form

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "budget_line":
            kwargs["queryset"] = (
                BudgetLine.objects.managed_by(request.user)
                .select_related("measure__objective__axis__plan", "year")
                .order_by("measure__objective__axis__plan__title", "measure__number", "id")
            )
        elif db_field.name == "plan_expense":
            kwargs["queryset"] = (
                PlanExpense.objects.managed_by(request.user)
                .select_related("plan")
                .order_by("plan__title", "id")
            )
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "budget_line":
            field.label_from_instance = budget_line_label
        elif db_field.name == "plan_expense":
            field.label_from_instance = plan_line_label
        return field

    @admin.display(description=_("plan"), ordering="plan__title")
    def plan_name(self, expense):
        return _plan_name(expense.plan)

    @admin.display(description=_("ligne"))
    def line_label(self, expense):
        if expense.budget_line_id:
            return budget_line_label(expense.budget_line, with_plan=False)
        return plan_line_label(expense.plan_expense, with_plan=False)

    @admin.display(description=_("montant"), ordering="amount")
    def amount_display(self, expense):
        return format_money(expense.amount)

    def lock_reason(self, expense):
        lock = period_lock_covering(expense.plan_id, expense.date)
        return locked_period_reason(lock) if lock else ""

    def save_model(self, request, obj, form, change):
        services.actual_expense_save(expense=obj, user=request.user)

    def delete_model(self, request, obj):
        services.actual_expense_delete(expense=obj, user=request.user)

    @transaction.atomic  # all of them or, if one is in a locked period, none
    def delete_queryset(self, request, queryset):
        for expense in queryset:
            services.actual_expense_delete(expense=expense, user=request.user)
