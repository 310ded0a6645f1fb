import pytest

from kits.models import Kit
from portal import demo


@pytest.fixture
def pais_kit(db):
    """The demo's PAIS kit (« Collaboration 2 »), with its territory's municipalities."""
    demo.load_geography()
    demo.load_partners()
    demo.load_kits()
    return Kit.objects.get(slug="collaboration-2-promotion-pais")
