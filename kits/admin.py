from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from common.admin import (
    HistoryAdmin,
    RuleBookStackedInline,
    RuleBookTabularInline,
    ScopedRelatedFilter,
)
from kits.forms import KitAssetForm
from kits.models import CopyBlock, Kit, KitAdoption, KitAsset


class CopyBlockInline(RuleBookStackedInline):
    model = CopyBlock
    fields = ["kind", "label", "body", "position"]


class KitAssetInline(RuleBookTabularInline):
    model = KitAsset
    form = KitAssetForm
    fields = ["kind", "title", "file", "alt_text", "position"]


@admin.register(Kit)
class KitAdmin(HistoryAdmin):
    """Coordinators write kits here; "Voir sur le site" previews the public page."""

    list_display = ["__str__", "table", "is_published"]
    list_filter = ["is_published", ("table", ScopedRelatedFilter)]
    list_select_related = ["table"]
    search_fields = ["title", "what", "how"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["organisation"]
    inlines = [CopyBlockInline, KitAssetInline]
    fieldsets = [
        (None, {"fields": ["table", "number", "title", "slug", "organisation", "is_published"]}),
        (_("Quoi, quand, comment (Markdown)"), {"fields": ["what", "when", "how"]}),
    ]


@admin.register(KitAdoption)
class KitAdoptionAdmin(HistoryAdmin):
    list_display = ["kit", "municipality", "status", "done_on", "published_url"]
    list_filter = ["status", ("kit", ScopedRelatedFilter)]
    list_select_related = ["kit", "municipality"]
    autocomplete_fields = ["municipality"]
    readonly_fields = ["marked_by"]
