import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Reports are cached on the digest of what they print: each test starts without."""
    cache.clear()
