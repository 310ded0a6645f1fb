"""The site's small visual pieces: ``{% icon "calendar" %}`` and ``{{ table.name|fr }}``."""

import html

from django import template
from django.templatetags.static import static
from django.utils.html import conditional_escape, format_html, strip_tags
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()


@register.simple_tag
def icon(name, css_class=""):
    """An icon of static/img/icons.svg, hidden from assistive technology (its text says it)."""
    return format_html(
        '<svg class="icon {}" aria-hidden="true" focusable="false" width="20" height="20">'
        '<use href="{}#{}"></use></svg>',
        css_class,
        static("img/icons.svg"),
        name,
    )


@register.filter(is_safe=True)
def fr(value):
    """Content stored in French (names, titles, kit texts) marked ``lang="fr"`` on a page in
    another language, so a screen reader reads it with a French voice; as is on French pages."""
    if (get_language() or "fr").startswith("fr"):
        return conditional_escape(value)
    return format_html('<span lang="fr">{}</span>', value)


@register.simple_tag
def fr_lang():
    """`` lang="fr"`` on an element holding French content (a kit's texts) on a page in another
    language; nothing on French pages."""
    if (get_language() or "fr").startswith("fr"):
        return ""
    return mark_safe(' lang="fr"')


@register.filter
def plain(value):
    """A rendered block (the page's title, its description) as the plain text it reads as:
    tags dropped, entities read; printed in ``<title>`` or an attribute, autoescape escapes it
    once."""
    return html.unescape(strip_tags(str(value))).strip()
