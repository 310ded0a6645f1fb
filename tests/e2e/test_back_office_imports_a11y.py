"""The measures' spreadsheet import, after the upload (the rows to confirm or refused): axe-clean.

Apart from test_back_office_a11y.py because its dry run writes (rolled back) from the live
server's thread, which a test holding a transaction would lock out on SQLite.
"""

import pytest
from django.urls import reverse

from actionplans.models import Measure
from actionplans.resources import MeasureResource
from tests.builders import plan_with_measures
from tests.e2e.axe import serious_violations
from tests.factories import coordinator_of

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_measure_spreadsheet_import_preview_is_accessible(
    browser, login_as, live_server, tmp_path
):
    plan = plan_with_measures(measures=2, title="Plan 2025-2028")
    sheet = tmp_path / "moyens.csv"
    measures = Measure.objects.filter(objective__axis__plan=plan)
    sheet.write_text(MeasureResource().export(measures).csv, encoding="utf-8")
    coordinator = coordinator_of(plan.table, username="coord@example.org")
    context = login_as(browser, coordinator, bypass_csp=True)
    page = context.new_page()
    page.goto(f"{live_server.url}{reverse('admin:actionplans_measure_import')}")

    page.locator("input[type=file]").set_input_files(str(sheet))
    page.locator("select[name=format]").select_option(label="csv")
    page.get_by_label("Plan").select_option(label=str(plan))
    with page.expect_navigation():
        page.locator("#content form [type=submit]").first.click()

    # The step after the upload: the rows to confirm, or those refused and why.
    step = page.locator("form input[name=import_file_name], #content h2:text-is('Erreurs')")
    assert step.count(), page.locator("#content").inner_text()[:1000]
    assert serious_violations(page) == []
    context.close()
