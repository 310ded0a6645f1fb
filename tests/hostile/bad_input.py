"""What every hostile-input case checks: the message a user reads, and that no row changed."""

import html

from django.apps import apps


def row_counts():
    """Rows per model, soft-deleted and unpublished ones included."""
    return {model._meta.label: model._base_manager.count() for model in apps.get_models()}


def page_text(response):
    """The page as a reader sees its text: entities decoded (« l'axe », not « l&#x27;axe »)."""
    return html.unescape(response.content.decode())
