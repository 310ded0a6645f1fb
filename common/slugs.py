"""Slugs that no row of a model holds yet."""

from django.utils.text import slugify


def unique_slug(model, text, *, fallback, max_length=180):
    """``slugify(text)``, or ``fallback`` when it leaves nothing, with ``-2``, ``-3``… added
    until no ``model`` row has it."""
    base = slugify(text)[:max_length] or fallback
    slug, counter = base, 2
    while model.objects.filter(slug=slug).exists():
        slug, counter = f"{base}-{counter}", counter + 1
    return slug
