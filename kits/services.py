from django.db import transaction

from kits.models import KitAdoption


@transaction.atomic
def kit_adoption_mark(*, kit, municipality, user, status, done_on=None, published_url=""):
    """Record what ``municipality`` did with ``kit`` (one row per pair, history kept)."""
    adoption, _created = KitAdoption.objects.update_or_create(
        kit=kit,
        municipality=municipality,
        defaults={
            "status": status,
            "done_on": done_on if status == KitAdoption.Status.DONE else None,
            "published_url": published_url if status == KitAdoption.Status.DONE else "",
            "marked_by": user,
        },
    )
    return adoption
