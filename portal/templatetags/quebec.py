"""Template filters for the house formats: {{ amount|money }}, {{ day|longdate }}, {{ t|hour }}."""

from django import template

from portal import formatting

register = template.Library()

register.filter("money", formatting.format_money)
register.filter("number", formatting.format_number)
register.filter("hours", formatting.format_hours)
register.filter("hour", formatting.format_time)
register.filter("longdate", formatting.format_date)


@register.simple_tag
def time_range(start, end):
    return formatting.format_time_range(start, end)


@register.filter
def dictkey(mapping, key):
    """``{{ rollups|dictkey:axis.pk }}``: a dictionary entry by a variable key."""
    return mapping.get(key)
