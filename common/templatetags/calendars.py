"""``{% webcal path %}``: a calendar feed's subscription address on the request's host."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def webcal(context, path):
    """``webcal://host/path``: calendar apps subscribe to it (and keep it up to date) where
    an ``https://`` link would only download the file once."""
    request = context.get("request")
    if request is None:
        return path
    return f"webcal://{request.get_host()}{path}"
