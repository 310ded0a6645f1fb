"""The texts of the report, per period: written by the table's coordinators on their page,
kept with every version, printed in the report of their period only."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from accountability import reports
from accountability.data import PUBLIC, plan_for_report
from accountability.forms import NARRATIVE_MAX_LENGTH
from accountability.models import Narrative
from accountability.narratives import narratives_save
from actionplans.models import Plan
from actionplans.periods import parse_period
from tests.factories import AxisFactory, UserFactory, coordinator_of, measure_in, ministry_user
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db
YEAR_1, YEAR_2 = "2022-2023", "2023-2024"


@pytest.fixture
def plan(plan_a):
    measure_in(plan_a, "1.1.1", title="Accueillir les familles")
    AxisFactory(plan=plan_a, number=2, title="Mobiliser les employeurs")
    return plan_for_report(Plan.objects.all()).get(pk=plan_a.pk)


def url(plan, period=None):
    address = reverse("accountability:narratives", args=[plan.slug])
    return f"{address}?periode={period}" if period else address


def form_data(plan, *, achievements="", difficulties="", adjustments="", axes=None):
    data = {"realisations": achievements, "difficultes": difficulties, "ajustements": adjustments}
    for axis in plan.axes.all():
        data[f"axe_{axis.pk}"] = (axes or {}).get(axis.number, "")
    return data


def pdf(plan, period, **options):
    request = reports.ReportRequest(plan=plan, period=parse_period(plan, period), **options)
    return pdf_text(reports.report_pdf(request)[2])


def test_writing_year_1_then_year_2_keeps_both(client, plan, coordinator_a):
    client.force_login(coordinator_a)
    response = client.post(
        url(plan, YEAR_1),
        form_data(plan, achievements="Dix familles accueillies.", axes={1: "Axe 1, an 1."}),
        follow=True,
    )
    assert "Textes enregistrés pour la période « An 1 (2022-2023) » : 2 textes modifiés." in (
        response.content.decode()
    )
    client.post(
        url(plan, YEAR_2),
        form_data(plan, achievements="Vingt familles accueillies.", axes={2: "Axe 2, an 2."}),
    )

    year_1 = client.get(url(plan, YEAR_1)).content.decode()
    assert "Dix familles accueillies." in year_1 and "Axe 1, an 1." in year_1
    assert "Vingt familles accueillies." not in year_1 and "Axe 2, an 2." not in year_1
    year_2 = client.get(url(plan, YEAR_2)).content.decode()
    assert "Vingt familles accueillies." in year_2 and "Axe 2, an 2." in year_2
    assert "Dix familles accueillies." not in year_2
    assert Narrative.objects.filter(plan=plan).count() == 4


def test_the_report_of_year_1_prints_year_1_texts_only(plan):
    user = UserFactory()
    axis = plan.axes.get(number=1)
    for period, words in ((YEAR_1, "premier"), (YEAR_2, "deuxième")):
        narratives_save(
            plan=plan,
            period=parse_period(plan, period),
            texts={
                None: {
                    "achievements": f"Réalisé la {words} année.",
                    "difficulties": f"Difficile la {words} année.",
                    "adjustments": f"Ajusté la {words} année.",
                },
                axis.pk: f"Bilan de l'axe 1, {words} année.",
            },
            user=user,
        )
    for annual in (False, True):
        text = " ".join(pdf(plan, YEAR_1, annual=annual).split())
        assert "Bilan de la période Réalisations Réalisé la premier année." in text
        assert "Difficultés Difficile la premier année." in text
        assert "Ajustements Ajusté la premier année." in text
        assert "Bilan de l'axe 1, premier année." in text
        assert "deuxième" not in text
        # The axis without a text says so in the full version.
        assert "Bilan de l'axe à rédiger par la coordination." in text


def test_the_public_version_prints_what_was_written_and_no_placeholder(plan):
    axis = plan.axes.get(number=1)
    narratives_save(
        plan=plan,
        period=parse_period(plan, YEAR_1),
        texts={None: {"achievements": "Dix familles accueillies."}, axis.pk: "Axe 1 écrit."},
        user=UserFactory(),
    )
    full = pdf(plan, YEAR_1)
    assert "Dix familles accueillies." in full and "Axe 1 écrit." in full
    assert full.count("À rédiger par la coordination.") == 2  # difficulties, adjustments
    assert "Bilan de l'axe à rédiger par la coordination." in full  # axis 2

    public = pdf(plan, YEAR_1, variant=PUBLIC)
    assert "Dix familles accueillies." in public and "Axe 1 écrit." in public
    assert "rédiger" not in public and "Difficultés" not in public

    # A period nothing was written for: the public version has no section at all.
    nothing = pdf(plan, YEAR_2, variant=PUBLIC)
    assert "Bilan de la période" not in nothing and "rédiger" not in nothing


def test_the_xlsx_has_the_texts_of_its_period(plan):
    axis = plan.axes.get(number=1)
    narratives_save(
        plan=plan,
        period=parse_period(plan, YEAR_1),
        texts={None: {"difficulties": "Peu de locaux."}, axis.pk: "Axe 1 écrit."},
        user=UserFactory(),
    )
    request = reports.ReportRequest(plan=plan, period=parse_period(plan, YEAR_1))
    workbook = load_workbook(io.BytesIO(reports.report_xlsx(request)[2]))
    rows = list(workbook["Textes"].iter_rows(values_only=True))
    assert rows[0] == ("Partie", "Texte")
    assert ("Difficultés", "Peu de locaux.") in rows
    assert ("Axe 1 : " + axis.title, "Axe 1 écrit.") in rows


def test_the_page_lists_the_previous_version_with_its_author(client, plan, coordinator_a):
    colleague = coordinator_of(plan.table, username="collegue@example.org", first_name="Aline")
    colleague.last_name = "Poulin"
    colleague.save()
    client.force_login(colleague)
    client.post(url(plan, YEAR_1), form_data(plan, axes={1: "Première version de l'axe."}))
    client.force_login(coordinator_a)
    client.post(url(plan, YEAR_1), form_data(plan, axes={1: "Deuxième version de l'axe."}))

    page = client.get(url(plan, YEAR_1)).content.decode()
    assert "Versions précédentes (1)" in page
    versions = page.split("Versions précédentes (1)")[1]
    assert "Aline Poulin, le" in versions and "Première version de l&#x27;axe." in versions
    assert "Dernière modification : coord-a@example.org" in page
    record = Narrative.history.filter(text="Première version de l'axe.").get()
    assert record.history_user == colleague


def test_saving_unchanged_texts_makes_no_version(client, plan, coordinator_a):
    client.force_login(coordinator_a)
    data = form_data(plan, achievements="Dix familles accueillies.")
    client.post(url(plan, YEAR_1), data)
    response = client.post(url(plan, YEAR_1), data, follow=True)
    assert "Aucun texte n&#x27;a changé : rien à enregistrer." in response.content.decode()
    assert Narrative.history.count() == 1


def test_a_text_too_long_is_refused_with_its_reason_and_nothing_is_saved(
    client, plan, coordinator_a
):
    client.force_login(coordinator_a)
    response = client.post(
        url(plan, YEAR_1),
        form_data(plan, achievements="Bien.", difficulties="x" * (NARRATIVE_MAX_LENGTH + 1)),
    )
    page = response.content.decode()
    assert "Les textes n'ont pas été enregistrés" in page
    assert "au plus 20000 caractères (actuellement 20001)" in page
    assert "Bien.</textarea>" in page  # what was typed is still there
    assert not Narrative.objects.exists()


def test_an_unknown_period_is_said_and_nothing_is_offered(client, plan, coordinator_a):
    client.force_login(coordinator_a)
    response = client.get(url(plan, "2030-2031"))
    assert response.status_code == 400
    assert "Sélectionnez un choix valide." in response.content.decode()
    assert "Enregistrer les textes" not in response.content.decode()


def test_another_table_is_refused_and_nothing_changes(client, plan, table_b):
    axis = plan.axes.get(number=1)
    narratives_save(
        plan=plan, period=parse_period(plan, YEAR_1), texts={axis.pk: "Texte"}, user=UserFactory()
    )
    other = coordinator_of(table_b, username="coord-b@example.org")
    client.force_login(other)
    assert client.get(url(plan, YEAR_1)).status_code == 403
    response = client.post(url(plan, YEAR_1), form_data(plan, axes={1: "Écrasé"}))
    assert response.status_code == 403
    assert Narrative.objects.get().text == "Texte" and Narrative.history.count() == 1


def test_the_ministry_reads_the_texts_but_does_not_write(client, plan):
    axis = plan.axes.get(number=1)
    narratives_save(
        plan=plan, period=parse_period(plan, YEAR_1), texts={axis.pk: "Texte"}, user=UserFactory()
    )
    client.force_login(ministry_user(username="ministere@example.org"))
    page = client.get(url(plan, YEAR_1)).content.decode()
    assert "Texte" in page and "Pas encore rédigé." in page
    assert "<textarea" not in page and "Enregistrer les textes" not in page
    response = client.post(url(plan, YEAR_1), form_data(plan, axes={1: "Écrasé"}))
    assert response.status_code == 403 and Narrative.objects.get().text == "Texte"


def test_the_report_page_links_to_the_texts_of_its_period(client, plan, coordinator_a):
    client.force_login(coordinator_a)
    page = client.get(
        reverse("accountability:plan", args=[plan.slug]) + f"?periode={YEAR_1}"
    ).content.decode()
    assert f'href="{url(plan, YEAR_1)}">Rédiger les textes du rapport</a>' in page


def test_the_page_runs_as_many_queries_with_ten_times_the_axes(client, plan, coordinator_a):
    client.force_login(coordinator_a)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url(plan, YEAR_1)).status_code == 200
        return len(captured)

    def write_all():
        texts = {None: {"achievements": f"Version {Narrative.history.count()}"}}
        texts.update({axis.pk: f"Axe {axis.number} v{axis.pk}" for axis in plan.axes.all()})
        narratives_save(
            plan=plan, period=parse_period(plan, YEAR_1), texts=texts, user=coordinator_a
        )

    write_all()
    small = queries()
    for number in range(3, 21):
        AxisFactory(plan=plan, number=number)
    write_all()
    write_all()
    assert queries() == small


def test_a_general_text_not_named_is_kept(plan):
    period, user = parse_period(plan, YEAR_1), UserFactory()
    narratives_save(
        plan=plan,
        period=period,
        texts={None: {"achievements": "Fait.", "difficulties": "Difficile."}},
        user=user,
    )
    narratives_save(plan=plan, period=period, texts={None: {"adjustments": "Ajusté."}}, user=user)
    general = Narrative.objects.get(axis=None)
    assert (general.achievements, general.difficulties, general.adjustments) == (
        "Fait.",
        "Difficile.",
        "Ajusté.",
    )
    with pytest.raises(ValueError):
        narratives_save(plan=plan, period=period, texts={None: {"bilan": "?"}}, user=user)
