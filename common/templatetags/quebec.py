"""Template filters for the house formats: {{ amount|money }}, {{ day|longdate }}, {{ t|hour }}."""

from django import template
from django.urls import translate_url

from common import formatting

register = template.Library()

register.filter("money", formatting.format_money)
register.filter("number", formatting.format_number)
register.filter("hours", formatting.format_hours)
register.filter("percent", formatting.format_percent)
register.filter("hour", formatting.format_time)
register.filter("longdate", formatting.format_date)
register.filter("in_sentence", formatting.in_sentence)


@register.simple_tag
def time_range(start, end):
    return formatting.format_time_range(start, end)


@register.filter
def dictkey(mapping, key):
    """``{{ rollups|dictkey:axis.pk }}``: a dictionary entry by a variable key."""
    return mapping.get(key)


@register.filter
def current_year_of(year_progress, year):
    """The YearProgress of ``year`` in an indicator's list, or None."""
    if year is None:
        return None
    return next((item for item in year_progress if item.year.pk == year.pk), None)


class CaptureNode(template.Node):
    child_nodelists = ("nodelist",)

    def __init__(self, nodelist, name):
        self.nodelist, self.name = nodelist, name

    def render(self, context):
        context[self.name] = self.nodelist.render(context).strip()
        return ""


@register.tag
def capture(parser, token):
    """``{% capture as name %}…{% endcapture %}``: render once, reuse (a block in several tags)."""
    bits = token.split_contents()
    if len(bits) != 3 or bits[1] != "as":
        raise template.TemplateSyntaxError("Usage: {% capture as name %}…{% endcapture %}")
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, bits[2])


@register.simple_tag(takes_context=True)
def translated_url(context, language, absolute=False):
    """The current page in ``language`` (same view, same arguments, same query string); with
    ``absolute``, its whole address (``<link rel="alternate" hreflang>`` wants one)."""
    request = context.get("request")
    if request is None:
        return f"/{language}/"
    url = translate_url(request.path, language)
    query = request.META.get("QUERY_STRING", "")
    url = f"{url}?{query}" if query else url
    return request.build_absolute_uri(url) if absolute else url
