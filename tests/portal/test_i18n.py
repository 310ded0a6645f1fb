from pathlib import Path

import polib
import pytest
from django.conf import settings


@pytest.mark.parametrize("language", ["en", "fr"])
def test_catalogues_are_complete(language):
    catalogue = polib.pofile(
        Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES" / "django.po"
    )
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    assert untranslated == []
    assert [entry.msgid for entry in catalogue.fuzzy_entries()] == []
