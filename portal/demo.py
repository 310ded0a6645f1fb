"""Demo data from ``fixtures/``: idempotent, so that loading twice changes nothing."""

import tomllib
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from django.utils.text import slugify

from accountability.models import Submission
from accountability.narratives import narratives_save
from actionplans.imports.documents import import_document, preview_document
from actionplans.models import Measure, PeriodLock, Plan
from actionplans.periods import parse_period
from events.models import Event, EventSeries, Registration
from mailing.models import Delivery, Message, Subscriber
from meetings.members import members_of
from meetings.models import (
    Attendance,
    DatePoll,
    Decision,
    FollowUp,
    Meeting,
    PollAnswer,
    PollParticipant,
    PollSlot,
)
from municipalities.models import Mrc, Municipality, Region
from partners.models import Committee, Membership, Organisation, Person, Table
from partners.roles import ministry_group

FIXTURES = settings.BASE_DIR / "fixtures"
DEMO_PASSWORD = "tables-demo-2025"
MONTREAL = ZoneInfo("America/Montreal")


def _read(name):
    return tomllib.loads(Path(FIXTURES / name).read_text(encoding="utf-8"))


def load_geography():
    data = _read("geography.toml")
    regions = {}
    for row in data["regions"]:
        regions[row["code"]], _ = Region.objects.update_or_create(
            code=row["code"], defaults={"name": row["name"]}
        )
    for row in data["mrcs"]:
        mrc, _ = Mrc.objects.update_or_create(
            slug=row["slug"], defaults={"name": row["name"], "region": regions[row["region"]]}
        )
        for name in row.get("municipalities", []):
            Municipality.objects.update_or_create(
                slug=slugify(name), defaults={"name": name, "mrc": mrc}
            )


def load_partners():
    data = _read("partners.toml")
    for row in data["organisations"]:
        row = dict(row)
        territory = row.pop("territory", [])
        municipality = row.pop("municipality", None)
        organisation, _ = Organisation.objects.update_or_create(
            slug=row.pop("slug"),
            defaults={
                **row,
                "municipality": Municipality.objects.get(slug=municipality)
                if municipality
                else None,
            },
        )
        organisation.territory.set(Mrc.objects.filter(slug__in=territory))
    for row in data["people"]:
        Person.objects.update_or_create(
            organisation=Organisation.objects.get(slug=row["organisation"]),
            title=row["title"],
            defaults={"email": row.get("email", "")},
        )
    for row in data["tables"]:
        _load_table(row)


def _load_table(row):
    table, _ = Table.objects.update_or_create(
        slug=row["slug"],
        defaults={
            "name": row["name"],
            "carrier": Organisation.objects.get(slug=row["carrier"]),
            "description": row.get("description", ""),
            "website": row.get("website", ""),
            "meeting_cadence": row.get("meeting_cadence", ""),
        },
    )
    table.mrcs.set(Mrc.objects.filter(slug__in=row["mrcs"]))
    _load_members(table, None, row.get("members", []))
    for committee_row in row.get("committees", []):
        municipality = committee_row.get("municipality")
        committee, _ = Committee.objects.update_or_create(
            table=table,
            name=committee_row["name"],
            defaults={
                "kind": committee_row["kind"],
                "mandate": committee_row.get("mandate", ""),
                "composition": committee_row.get("composition", ""),
                "municipality": Municipality.objects.get(slug=municipality)
                if municipality
                else None,
            },
        )
        _load_members(table, committee, committee_row.get("members", []))


def _load_members(table, committee, rows):
    for member in rows:
        Membership.objects.update_or_create(
            table=table,
            committee=committee,
            organisation=Organisation.objects.get(slug=member["organisation"]),
            defaults={"role": member.get("role", "")},
        )


PARI_PLAN = {
    "path": "plans/pari-capitale-nationale-2007-2010.docx",
    "table": "table-regionale-immigration-capitale-nationale",
    "slug": "pari-capitale-nationale-2007-2010",
    "title": "Programme d'actions régionales en immigration (PARI) de la Capitale-Nationale "
    "2007-2010",
    "funding_programme": "Entente spécifique régionale en immigration",
}
BEAUCE_PLAN = {
    "path": "plans/beauce-2022-2025.txt",
    "table": "table-strategique-immigration-beauce",
    "slug": "plan-action-beauce-2022-2025",
    "title": "Plan d'action pour l'accueil, l'intégration et la rétention des personnes "
    "immigrantes en Beauce 2022-2025",
}


def _load_seed_plan(seed):
    """A seed document goes through the same importer as a coordinator's file, then is
    published."""
    if Plan.objects.filter(slug=seed["slug"]).exists():
        return
    preview = preview_document(data=(FIXTURES / seed["path"]).read_bytes())
    plan = import_document(
        table=Table.objects.get(slug=seed["table"]),
        preview=preview,
        title=seed["title"],
        slug=seed["slug"],
    )
    plan.status = Plan.Status.PUBLISHED
    plan.funding_programme = seed.get("funding_programme", plan.funding_programme)
    plan.save(update_fields=["status", "funding_programme"])


def load_pari_plan():
    """Seed 004, the PARI of the Capitale-Nationale, as its Word file (objectives without axes,
    an X per fiscal year)."""
    _load_seed_plan(PARI_PLAN)


def load_beauce_plan():
    """Seed 001, the Beauce plan, as the text copied from its Word file."""
    _load_seed_plan(BEAUCE_PLAN)


def load_events():
    data = _read("events.toml")
    for row in data["series"]:
        table = Table.objects.get(slug=row["table"])
        series, _ = EventSeries.objects.update_or_create(
            slug=row["slug"],
            defaults={"table": table, "title": row["title"], "description": row["description"]},
        )
        start_time = time.fromisoformat(row["start_time"])
        end_time = time.fromisoformat(row["end_time"])
        organisers = Organisation.objects.filter(slug__in=row["organisers"])
        for day in row["dates"]:
            event, _ = Event.objects.update_or_create(
                slug=f"{row['slug']}-{day.isoformat()}",
                defaults={
                    "table": table,
                    "series": series,
                    "title": row["title"],
                    "description": row["description"],
                    "kind": row["kind"],
                    "audience": row["audience"],
                    "start": datetime.combine(day, start_time, MONTREAL),
                    "end": datetime.combine(day, end_time, MONTREAL),
                    "location": row["location"],
                    "online_url": row["online_url"],
                },
            )
            event.organisers.set(organisers)


DEMO_ACCOUNTS = [
    # (e-mail, role, what it is attached to)
    ("admin@tables-immigration.example", "superuser", None),
    (
        "coordination.beauce@tables-immigration.example",
        "coordinator",
        "table-strategique-immigration-beauce",
    ),
    (
        "coordination.dautray@tables-immigration.example",
        "coordinator",
        "table-immigration-d-autray",
    ),
    ("ministere@tables-immigration.example", "ministry", None),
    ("partenaire.cje@tables-immigration.example", "partner", "cje-beauce"),
    ("municipalite.fortierville@tables-immigration.example", "municipality", "fortierville"),
]


def load_accounts():
    """One account per role, all with :data:`DEMO_PASSWORD`. Returns ``[(email, role)]``."""
    User = get_user_model()
    for email, role, target in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(username=email, defaults={"email": email})
        if created:
            user.set_password(DEMO_PASSWORD)
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        user.is_superuser = role == "superuser"
        user.is_staff = role in {"superuser", "coordinator", "ministry"}
        user.save()
        if role == "coordinator":
            Table.objects.get(slug=target).coordinators.add(user)
        elif role == "ministry":
            user.groups.add(ministry_group())
            Person.objects.update_or_create(
                user=user,
                defaults={
                    "organisation": Organisation.objects.get(slug="mifi"),
                    "title": "Conseillère en partenariat, direction régionale",
                },
            )
        elif role == "partner":
            Person.objects.update_or_create(
                user=user,
                defaults={
                    "organisation": Organisation.objects.get(slug=target),
                    "title": "Intervenante en accueil et intégration",
                },
            )
        elif role == "municipality":
            municipality = Municipality.objects.get(slug=target)
            organisation, _ = Organisation.objects.get_or_create(
                slug=f"municipalite-{target}",
                defaults={
                    "name": f"Municipalité de {municipality.name}",
                    "kind": Organisation.Kind.MUNICIPALITY,
                    "municipality": municipality,
                },
            )
            person, _ = Person.objects.update_or_create(
                user=user,
                defaults={"organisation": organisation, "title": "Personne désignée immigration"},
            )
            municipality.contact = person
            municipality.save(update_fields=["contact"])
    return [(email, role) for email, role, _ in DEMO_ACCOUNTS]


DEMO_REPORTS = [
    # (measure, date, title, participants, indicator value, status)
    (
        "1.3.1",
        date(2023, 6, 15),
        "Fête des voisins interculturelle à Saint-Georges",
        85,
        6,
        "approved",
    ),
    ("1.3.1", date(2023, 9, 20), "Souper communautaire aux saveurs du monde", 60, 5, "approved"),
    ("1.3.2", date(2024, 2, 8), "Café-jasette en français", 14, 3, "submitted"),
    ("1.3.4", date(2024, 5, 4), "Accompagnement au festival local", 9, None, "draft"),
]


def load_reports():
    """A few activities of the CJE on the Beauce plan, in each state of the review."""
    from activities.models import Activity, IndicatorValue

    plan = Plan.objects.get(slug=BEAUCE_PLAN["slug"])
    author = get_user_model().objects.get(username="partenaire.cje@tables-immigration.example")
    organisation = Organisation.objects.get(slug="cje-beauce")
    for number, day, title, participants, value, status in DEMO_REPORTS:
        measure = Measure.objects.of_plan(plan).get(number=number)
        # Created in their state as recorded (the workflow's transitions are for live reviews).
        report, _ = Activity.objects.get_or_create(
            measure=measure,
            title=title,
            defaults={
                "organisation": organisation,
                "author": author,
                "date": day,
                "participants": participants,
                "status": status,
            },
        )
        indicator = measure.indicators.first()
        if value is not None and indicator is not None:
            IndicatorValue.objects.update_or_create(
                activity=report, indicator=indicator, defaults={"value": value}
            )


# What the Beauce coordination spent, per budget line: (measure number or plan line kind, plan
# year of the line (for a line split per year), date, amount, description).
DEMO_EXPENSES = [
    ("1.1.1", 1, date(2022, 11, 15), "2400", "Firme externe : scénarisation des capsules"),
    ("1.1.1", 2, date(2023, 5, 10), "1250.50", "Firme externe : montage des capsules"),
    ("2.1.4", None, date(2023, 6, 30), "9072", "Coordination des SAIM, premier trimestre"),
    ("4.1.3", None, date(2023, 10, 31), "1500", "Rédaction du rapport d'étape"),
    ("management", None, date(2023, 9, 30), "3250", "Frais de gestion, premier semestre"),
]


def load_money():
    """Measure 1.1.1's budget split per year, and a few actual expenses on the Beauce plan."""
    from actionplans.models import ActualExpense
    from actionplans.services import budget_line_split

    plan = Plan.objects.get(slug=BEAUCE_PLAN["slug"])
    capsules = Measure.objects.of_plan(plan).get(number="1.1.1")
    if not capsules.budget_lines.filter(year__isnull=False).exists():
        for line in capsules.budget_lines.filter(year__isnull=True):
            budget_line_split(line=line)
    for key, year, day, amount, description in DEMO_EXPENSES:
        if ActualExpense.objects.filter(plan=plan, description=description).exists():
            continue
        expense = ActualExpense(plan=plan, date=day, amount=amount, description=description)
        if key in dict(plan.expenses.model.Kind.choices):
            expense.plan_expense = plan.expenses.filter(kind=key).first()
        else:
            lines = Measure.objects.of_plan(plan).get(number=key).budget_lines.all()
            expense.budget_line = (lines.filter(year__number=year) if year else lines).first()
        expense.full_clean()
        expense.save()


# The Beauce coordination's texts for its second year (2023-2024): the general review and
# one per axis, as the annual review prints them.
DEMO_NARRATIVES_PERIOD = "2023-2024"
DEMO_NARRATIVES = {
    None: {
        "achievements": (
            "La Table a tenu ses deux activités de rapprochement interculturel prévues "
            "(Fête des voisins à Saint-Georges, souper aux saveurs du monde), qui ont réuni "
            "145 personnes. Le guichet d'accueil du CJE a accompagné les nouveaux arrivants "
            "dans leurs premières démarches."
        ),
        "difficulties": (
            "Le manque de logements abordables et de places en garderie freine la rétention "
            "des familles. Les cours de francisation à temps partiel ont manqué de places "
            "à l'automne."
        ),
        "adjustments": (
            "La Table ajoute un volet logement au comité de coordination et demande au "
            "Centre de services scolaire une deuxième cohorte de francisation en soirée."
        ),
    },
    1: (
        "Les personnes immigrantes sont mieux orientées dès leur arrivée : le guichet "
        "d'accueil et les séances d'information ont rejoint les nouveaux arrivants des "
        "quatre MRC."
    ),
    2: (
        "Les activités de rapprochement ont mobilisé les municipalités de Saint-Georges et "
        "de Beauceville ; les comités d'accueil municipaux restent à structurer."
    ),
    3: (
        "Les entreprises recrutent davantage à l'international ; la Table a outillé les "
        "employeurs pour l'accueil en emploi et le soutien aux conjoints."
    ),
    4: (
        "Le comité de coordination s'est réuni quatre fois ; deux rapports de reddition "
        "de comptes ont été produits."
    ),
}


def load_narratives():
    """The Beauce coordination's texts for one year. Saving the same texts again makes no
    new version: loading twice changes nothing."""
    plan = Plan.objects.prefetch_related("years", "axes").get(slug=BEAUCE_PLAN["slug"])
    author = get_user_model().objects.get(username="coordination.beauce@tables-immigration.example")
    axes = {axis.number: axis.pk for axis in plan.axes.all()}
    texts = {
        (None if key is None else axes[key]): text
        for key, text in DEMO_NARRATIVES.items()
        if key is None or key in axes
    }
    narratives_save(
        plan=plan, period=parse_period(plan, DEMO_NARRATIVES_PERIOD), texts=texts, user=author
    )


def load_kits():
    """Seed 000's kit, with its Facebook text as a downloadable PDF (the seed's logo and
    visual are not in the seeds, so the kit carries only what we have)."""
    from django.core.files.base import ContentFile

    from kits.models import CopyBlock, Kit, KitAsset

    for row in _read("kits.toml")["kits"]:
        kit, _ = Kit.objects.update_or_create(
            slug=row["slug"],
            defaults={
                "table": Table.objects.get(slug=row["table"]),
                "number": row["number"],
                "title": row["title"],
                "organisation": Organisation.objects.get(slug=row["organisation"]),
                "what": row["what"],
                "when": row["when"],
                "how": row["how"],
                "is_published": row["is_published"],
            },
        )
        for position, block in enumerate(row["blocks"]):
            CopyBlock.objects.update_or_create(
                kit=kit,
                position=position,
                defaults={"kind": block["kind"], "label": block["label"], "body": block["body"]},
            )
        if not kit.assets.exists():
            from common.markdown import render_markdown
            from common.pdf import pdf_from_html

            facebook = row["blocks"][-1]["body"].replace("{municipalite}", "Municipalité X")
            pdf = pdf_from_html(
                f'<html lang="fr-CA"><title>{escape(kit.title)}</title>'
                f"<h1>{escape(kit.title)}</h1>{render_markdown(facebook)}</html>"
            )
            asset = KitAsset(
                kit=kit,
                kind=KitAsset.Kind.DOCUMENT,
                title="Texte publication Facebook option 1 bonifiée",
                content_type="application/pdf",
                size=len(pdf),
            )
            asset.file.save("texte-publication-facebook.pdf", ContentFile(pdf), save=False)
            asset.save()


def load_submissions():
    """The Beauce plan's first annual review, submitted as a coordinator submits it (its XLSX
    and PDF kept as sent, its year locked), dated May 2023 as the table sent it."""
    from accountability.submissions import report_submit

    plan = Plan.objects.get(slug=BEAUCE_PLAN["slug"])
    year = plan.years.get(number=1)
    if Submission.objects.filter(plan=plan, period_start=year.start_date).exists():
        return
    submission = report_submit(
        plan=plan,
        period=parse_period(plan, f"{year.start_date.year}-{year.end_date.year}"),
        annual=True,
        lang="fr",
        user=get_user_model().objects.get(
            username="coordination.beauce@tables-immigration.example"
        ),
    )
    sent = datetime(2023, 5, 12, 10, 0, tzinfo=MONTREAL)
    Submission.objects.filter(pk=submission.pk).update(submitted_at=sent)
    PeriodLock.objects.filter(pk=submission.lock_id).update(locked_at=sent)


MAILING_LIST = [
    # (role address on the example domain, name, organisation slug or None, source)
    (
        "direction@action-famille-lavaltrie.example",
        "Direction",
        "action-famille-lavaltrie",
        "member",
    ),
    ("accueil@action-famille-lavaltrie.example", "Accueil", "action-famille-lavaltrie", "member"),
    ("developpement@mrc-dautray.example", "Développement économique", "mrc-de-d-autray", "member"),
    ("communications@mrc-dautray.example", "Communications", "mrc-de-d-autray", "member"),
    ("info@bibliotheque-berthierville.example", "Bibliothèque", None, "import"),
    ("info@cje-dautray.example", "Carrefour jeunesse-emploi", None, "import"),
    ("francisation@css-des-samares.example", "Francisation", None, "import"),
    ("info@chambre-commerce-dautray.example", "Chambre de commerce", None, "import"),
    ("benevoles@centre-action-benevole.example", "Centre d'action bénévole", None, "website"),
    ("loisirs@lavaltrie.example", "Service des loisirs", None, "website"),
]


def load_mailing():
    """D'Autray's mailing list (seed 003: « Liste d'envoi courriels de 150 partenaires »): ten
    role addresses with their consent, and the invitation to the Jeudis Immigration sent to the
    whole list, in its public archive."""
    table = Table.objects.get(slug="table-immigration-d-autray")
    consented = datetime(2025, 1, 15, 9, 0, tzinfo=MONTREAL)
    evidence = {
        "member": "Consentement tacite (LCAP) : organisation membre de la table.",
        "import": "Importée depuis la liste d'envoi tenue par la coordination (fichier "
        "liste-partenaires.csv) ; consentement confirmé par la coordination.",
        "website": "Inscription demandée sur la page publique de la table, case de consentement "
        "cochée ; confirmée par le lien envoyé à l'adresse (double consentement).",
    }
    subscribers = []
    for email, name, organisation, source in MAILING_LIST:
        subscriber, _created = Subscriber.objects.get_or_create(
            table=table,
            email=email,
            defaults={
                "name": name,
                "organisation": Organisation.objects.filter(slug=organisation).first(),
                "status": Subscriber.Status.SUBSCRIBED,
                "source": source,
                "consented_at": consented,
                "confirmed_at": consented if source == "website" else None,
                "consent_evidence": evidence[source],
            },
        )
        subscribers.append(subscriber)
    sent = datetime(2025, 1, 20, 14, 0, tzinfo=MONTREAL)
    message, created = Message.objects.get_or_create(
        table=table,
        subject="Invitation : les Jeudis Immigration de D'Autray reprennent le 6 février",
        defaults={
            "body": "Bonjour,\n\nLes **Jeudis Immigration de D'Autray** reprennent : un "
            "webinaire par mois, le jeudi de 10 h à 11 h, ouvert à toutes et à tous.\n\n"
            "- 6 février 2025 : le logement\n- 6 mars 2025 : l'emploi\n- 3 avril 2025 : "
            "la francisation\n\nLe lien de connexion est envoyé aux personnes inscrites. "
            "Le calendrier : https://www.capsurdautray.com/\n\nAu plaisir de vous y voir,\n"
            "La coordination de la Table Immigration",
            "status": Message.Status.SENT,
            "queued_at": sent,
            "sent_at": sent,
            "recipients_count": len(subscribers),
            "sent_count": len(subscribers),
        },
    )
    if created:
        Delivery.objects.bulk_create(
            Delivery(message=message, subscriber=s, status=Delivery.Status.SENT, sent_at=sent)
            for s in subscribers
        )


DAUTRAY_MINUTES = (
    "Présents : MRC de D'Autray (agent territorial, direction DÉA), Action Famille Lavaltrie "
    "(direction, coordination PASI), MIFI (direction régionale), consultante du plan.\n\n"
    "1. **Bilan des Jeudis Immigration** : bonne participation à l'automne; la série reprend le "
    "6 février 2025 sur Zoom, de 10 h à 11 h.\n"
    "2. **Plan d'action 2023-2025** : l'avancement des moyens d'action est présenté; la "
    "reddition de compte au MIFI se prépare pour le printemps.\n"
    "3. **Liste d'envoi** : environ 150 partenaires; les nouvelles inscriptions passent par "
    "l'agent territorial.\n"
)
DAUTRAY_DECISIONS = [
    "Tenir les Jeudis Immigration de février à juin 2025 (6 février, 13 mars, 17 avril, 8 mai, "
    "5 juin).",
    "Consacrer la rencontre de la Table de mars 2025 au bilan du plan d'action 2023-2025.",
]
DAUTRAY_FOLLOW_UPS = [
    (
        "action-famille-lavaltrie",
        "Publier le calendrier des Jeudis Immigration sur le groupe Facebook de la Table.",
        date(2025, 2, 3),
    ),
    (
        "mrc-de-d-autray",
        "Préparer le bilan du plan d'action 2023-2025 pour la rencontre de mars.",
        date(2025, 3, 10),
    ),
]


def load_minutes():
    """Minutes of a past meeting of D'Autray's coordination committee: two decisions and two
    follow-ups (the meeting found by its start if another loader made it)."""
    table = Table.objects.get(slug="table-immigration-d-autray")
    meeting, _ = Meeting.objects.get_or_create(
        table=table,
        starts_at=datetime(2025, 1, 22, 10, 0, tzinfo=MONTREAL),
        defaults={
            "committee": Committee.objects.filter(table=table, kind="coordination").first(),
            "ends_at": datetime(2025, 1, 22, 12, 0, tzinfo=MONTREAL),
            "mode": Meeting.Mode.VIRTUAL,
            "agenda": "1. Bilan des Jeudis Immigration\n2. Plan d'action 2023-2025\n"
            "3. Liste d'envoi",
        },
    )
    if not meeting.minutes:
        meeting.minutes = DAUTRAY_MINUTES
        meeting.save(update_fields=["minutes"])
    for order, text in enumerate(DAUTRAY_DECISIONS, start=1):
        Decision.objects.get_or_create(meeting=meeting, order=order, defaults={"text": text})
    for slug, text, due_on in DAUTRAY_FOLLOW_UPS:
        FollowUp.objects.get_or_create(
            meeting=meeting,
            text=text,
            defaults={"organisation": Organisation.objects.get(slug=slug), "due_on": due_on},
        )


@transaction.atomic
def load_demo():
    load_geography()
    load_partners()
    load_pari_plan()
    load_beauce_plan()
    load_events()
    accounts = load_accounts()
    load_reports()
    load_money()
    load_submissions()
    load_narratives()
    load_kits()
    load_mailing()
    load_meetings()
    load_registration_demo()
    load_minutes()
    load_date_poll()
    return accounts


DEMO_AGENDA = """1. Mot de bienvenue et tour de table
2. Suivi du plan d'action 2023-2025 : **bilan des actions de l'automne**
3. Jeudis Immigration : programmation de l'hiver
4. Projets déposés au programme d'appui aux collectivités
5. Varia"""


def load_meetings():
    """D'Autray's table meets next month (convened, a few answers in) and its coordination
    committee met last month (attendance recorded); Beauce's table meets next month on the
    public calendar, the demo partner of the CJE convened. No e-mail is sent."""
    first_of_month = timezone.localdate().replace(day=1)
    next_month = datetime.combine(
        (first_of_month + timedelta(days=32)).replace(day=12), time(9, 30), MONTREAL
    )
    last_month = datetime.combine(
        (first_of_month - timedelta(days=1)).replace(day=14), time(13, 0), MONTREAL
    )
    dautray = Table.objects.get(slug="table-immigration-d-autray")
    beauce = Table.objects.get(slug="table-strategique-immigration-beauce")
    cje = Person.objects.get(user__username="partenaire.cje@tables-immigration.example")
    if not cje.email:
        cje.email = cje.user.username  # the demo account's role address
        cje.save(update_fields=["email"])
    rows = [
        (
            dautray,
            None,
            "Rencontre de la Table Immigration",
            next_month,
            {
                "mode": Meeting.Mode.HYBRID,
                "location": "Salle du conseil de la MRC, 550, rue Montcalm, Berthierville",
                "online_url": "https://zoom.example/j/85512345678",
                "agenda": DEMO_AGENDA,
            },
            {"agent.territorial.dautray": "present", "coordination.pasi.lavaltrie": "absent"},
        ),
        (
            dautray,
            Committee.objects.get(table=dautray, name="Comité de coordination"),
            "Comité de coordination",
            last_month,
            {
                "mode": Meeting.Mode.VIRTUAL,
                "online_url": "https://teams.example/l/comite-coordination",
                "agenda": "1. Préparation de la rencontre de la table\n2. Suivi du budget PAC",
            },
            {"agent.territorial.dautray": "present", "direction.dea.dautray": "present"},
        ),
        (
            beauce,
            None,
            "Rencontre des partenaires de la Table stratégique",
            next_month.replace(day=19, hour=13, minute=30),
            {
                "location": "Cégep Beauce-Appalaches, Saint-Georges",
                "online_url": "https://zoom.example/j/81234567890",
                "agenda": "1. Bilan 2024-2025\n2. Trousses de diffusion",
                "is_public": True,
            },
            {},
        ),
    ]
    for table, committee, title, starts_at, fields, answers in rows:
        meeting, created = Meeting.objects.get_or_create(
            table=table,
            committee=committee,
            title=title,
            defaults={"starts_at": starts_at, **fields},
        )
        if not created:
            continue
        past = starts_at < timezone.now()
        convened_at = starts_at - timedelta(days=21)
        for member in members_of(table, committee):
            answer = answers.get(member.email.split("@")[0], "pending")
            Attendance.objects.create(
                meeting=meeting,
                person=member.person,
                organisation_id=member.organisation_id,
                name=member.name,
                email=member.email,
                answer=answer,
                answered_at=convened_at + timedelta(days=2) if answer != "pending" else None,
                attended=(answer == "present") if past else None,
                convened_at=convened_at,
            )
        Meeting.objects.filter(pk=meeting.pk).update(convened_at=convened_at, convocations_sent=1)


DEMO_REGISTRANTS = [
    # (name, organisation, e-mail)
    ("Amina Diallo", "Carrefour jeunesse-emploi d'Autray-Joliette", "amina.diallo@example.org"),
    ("Marc-André Gravel", "Municipalité de Lavaltrie", "ma.gravel@example.org"),
    ("Sofia Restrepo", "", "sofia.restrepo@example.com"),
    ("Coordination PASI", "Action Famille Lavaltrie", "pasi@afl.example.net"),
]


def load_registration_demo():
    """A "Jeudis Immigration" session next month, first Thursday, 10 h to 11 h on Zoom, with
    registration (30 places): the Zoom link of seed 003 goes to registrants only."""
    series = EventSeries.objects.get(slug="jeudis-immigration-d-autray")
    today = datetime.now(MONTREAL).date()
    first = date(today.year + today.month // 12, today.month % 12 + 1, 1)
    day = first.replace(day=1 + (3 - first.weekday()) % 7)  # its first Thursday
    event, _ = Event.objects.update_or_create(
        slug="jeudi-immigration-inscription",
        defaults={
            "table": series.table,
            "series": series,
            "title": "Jeudi Immigration : accueillir les travailleurs étrangers temporaires",
            "description": (
                "Webinaire de la Table Immigration de D'Autray, ouvert à tous. Inscription "
                "requise : le lien Zoom est envoyé aux personnes inscrites."
            ),
            "kind": Event.Kind.WEBINAR,
            "audience": Event.Audience.EVERYONE,
            "start": datetime.combine(day, time(10), MONTREAL),
            "end": datetime.combine(day, time(11), MONTREAL),
            "location": "Zoom",
            "online_url": "https://us02web.zoom.us/j/4721206946",
            "registration_required": True,
            "capacity": 30,
        },
    )
    event.organisers.set(Organisation.objects.filter(slug="mrc-de-d-autray"))
    for name, organisation, email in DEMO_REGISTRANTS:
        Registration.objects.get_or_create(
            event=event,
            email=email,
            defaults={
                "name": name,
                "organisation": organisation,
                "status": Registration.Status.CONFIRMED,
            },
        )
    return event


def load_date_poll():
    """An open poll of the D'Autray table for its next meeting: three slots, a few answers
    (example addresses only; the seed names no one)."""
    table = Table.objects.get(slug="table-immigration-d-autray")
    today = timezone.localdate()
    poll, created = DatePoll.objects.get_or_create(
        table=table,
        committee=None,
        title="Prochaine rencontre de la Table Immigration",
        defaults={
            "description": "Trois dates sont proposées pour la rencontre de printemps, en "
            "présentiel à Berthierville ou en ligne. Merci de répondre d'ici deux semaines.",
            "closes_on": today + timedelta(days=14),
            "sent_at": timezone.now(),
        },
    )
    if not created:
        return poll
    thursdays = [today + timedelta(days=(3 - today.weekday()) % 7 + 7 * n) for n in (4, 5, 6)]
    slots = [
        PollSlot.objects.create(
            poll=poll,
            starts_at=datetime.combine(day, time(9, 30), MONTREAL),
            ends_at=datetime.combine(day, time(11, 30), MONTREAL),
        )
        for day in thursdays
    ]
    people = [
        ("Agent de développement territorial", "agent.territorial@mrc-dautray.example"),
        ("Coordinatrice PASI", "pasi@afl.example"),
        ("Responsable des communications", "communications@afl.example"),
        ("Consultante pour le plan d'action", "consultante@plan-dautray.example"),
    ]
    answers = [("yes", "if_need_be", "no"), ("yes", "yes", "if_need_be"), ("no", "yes", "yes")]
    for n, (name, email) in enumerate(people):
        participant = PollParticipant.objects.create(
            poll=poll,
            name=name,
            email=email,
            answered_at=timezone.now() if n < len(answers) else None,
        )
        if n < len(answers):
            PollAnswer.objects.bulk_create(
                PollAnswer(participant=participant, slot=slot, choice=choice)
                for slot, choice in zip(slots, answers[n], strict=True)
            )
    return poll
