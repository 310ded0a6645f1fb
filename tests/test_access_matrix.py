"""The access matrix: every URL pattern × eight roles × own/other table's objects, GET and POST.

Each expected cell is WRITTEN DOWN below (from the product's access rules, not from the code);
a URL pattern of the resolver without a row fails the test, and so does a row without a pattern.

Roles, in the order of every expectation string:
    anon   anonymous
    pA     partner of organisation A (member of table 1)
    pB     partner of organisation B (member of table 2)
    muni   designated contact of a municipality in table 1's territory
    c1     coordinator of table 1
    c2     coordinator of table 2
    min    ministry staff (group "ministry", is_staff)
    su     superuser

Scopes (the objects a URL is filled with):
    t1 / t2    published or public objects of table 1 / table 2
    t1d / t2d  the same kind, unpublished: draft plan, private event, unpublished kit

Outcome classes:
    ok      200, or a redirect to a page other than the login page
    login   redirect to the login page (allauth's or the admin's)
    403 404 405   that status
    no      403 or 404 (the brief allows either)
    any     anything but a server error (the reason is written in the row)
"""

from datetime import date
from types import SimpleNamespace

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.contrib.sites.models import Site
from django.core.files.base import ContentFile
from django.core.signals import request_finished
from django.db import close_old_connections, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accountability.models import Submission
from actionplans.models import ActualExpense, PeriodLock
from activities.models import Attachment
from kits.models import Kit, KitAdoption, KitAsset
from mailing.models import Message as MailingMessage
from mailing.models import Subscriber
from meetings.models import DatePoll, FollowUp, Meeting, MeetingDocument, PollSlot
from partners.models import Committee, Invitation
from tests.factories import (
    ActivityFactory,
    BudgetLineFactory,
    EventFactory,
    IndicatorFactory,
    MembershipFactory,
    MrcFactory,
    MunicipalityFactory,
    OrganisationFactory,
    PersonFactory,
    PlanFactory,
    TableFactory,
    TargetFactory,
    UserFactory,
    coordinator_of,
    measure_in,
    ministry_user,
    partner_of,
)

ROLES = ("anon", "pA", "pB", "muni", "c1", "c2", "min", "su")
CSRF = "a" * 32

ALL_OK = "ok ok ok ok ok ok ok ok"
ALL_404 = "404 404 404 404 404 404 404 404"
ANY = "any any any any any any any any"

# --- The admin: rows shared by every model of a kind (still literal expectations) -------------
# Staff pages: anonymous to the login, partners/municipality 403, back office per model.
A_LIST = "login 403 403 403 ok ok ok ok"
A_ADD = "login 403 403 403 ok ok 403 ok"  # coordinators add; the ministry changes nothing
A_SU = "login 403 403 403 403 403 403 ok"  # superusers only
A_READ_T1 = "login 403 403 403 ok 404 ok ok"  # an object of table 1: table 2's coordinator 404
A_READ_T2 = "login 403 403 403 404 ok ok ok"
A_WRITE_T1 = "login 403 403 403 ok 404 403 ok"
A_WRITE_T2 = "login 403 403 403 404 ok 403 ok"
A_SU_T1 = "login 403 403 403 403 404 403 ok"  # only superusers, and table 2 never sees it
A_SU_T2 = "login 403 403 403 404 403 403 ok"
A_SHARED_READ = "login 403 403 403 ok ok ok ok"  # shared registries: the back office reads
A_OWN_WRITE_T1 = "login 403 403 403 ok 403 403 ok"  # shared object linked to table 1
A_OWN_WRITE_T2 = "login 403 403 403 403 ok 403 ok"
A_REDIRECT = "login 403 403 403 ok ok ok ok"  # <id>/ → <id>/change/: a bare redirect
A_NONE = "login 403 403 403 403 403 403 403"  # nobody, superusers included
A_NONE_T1 = "login 403 403 403 403 404 403 403"
A_NONE_T2 = "login 403 403 403 404 403 403 403"

TABLE_OWNED = {
    "changelist": {"GET": A_LIST},
    "add": {"GET": A_ADD, "POST": A_ADD},
    "change": {
        "GET t1": A_READ_T1,
        "GET t2": A_READ_T2,
        "POST t1": A_WRITE_T1,
        "POST t2": A_WRITE_T2,
    },
    "history": {"GET t1": A_READ_T1, "GET t2": A_READ_T2},
    "delete": {
        "GET t1": A_WRITE_T1,
        "GET t2": A_WRITE_T2,
        "POST t1": A_WRITE_T1,
        "POST t2": A_WRITE_T2,
    },
    "redirect": {"GET t1": A_REDIRECT},
    # simple_history's "revert to this version": reading like the change page, POST like it.
    "simple_history": {
        "GET t1": A_READ_T1,
        "GET t2": A_READ_T2,
        "POST t1": A_WRITE_T1,
        "POST t2": A_WRITE_T2,
    },
}
SUPERUSER_ONLY = {
    "changelist": {"GET": A_SU},
    "add": {"GET": A_SU, "POST": A_SU},
    "change": {"GET t1": A_SU, "POST t1": A_SU},
    "history": {"GET t1": A_SU},
    "delete": {"GET t1": A_SU, "POST t1": A_SU},
    "redirect": {"GET t1": A_REDIRECT},
}
# Accounts (users, groups, e-mail addresses): superusers only; their history is read, never
# reverted, superusers included.
ACCOUNTS = {
    **SUPERUSER_ONLY,
    "simple_history": {"GET t1": A_SU, "POST t1": A_NONE},
}
# Organisations and persons: every back-office role reads; the coordinators of the tables they
# belong to change them; only superusers delete.
SHARED_PARTNERS = {
    "changelist": {"GET": A_LIST},
    "add": {"GET": A_ADD, "POST": A_ADD},
    "change": {
        "GET t1": A_SHARED_READ,
        "GET t2": A_SHARED_READ,
        "POST t1": A_OWN_WRITE_T1,
        "POST t2": A_OWN_WRITE_T2,
    },
    "history": {"GET t1": A_SHARED_READ, "GET t2": A_SHARED_READ},
    "delete": {"GET t1": A_SU, "POST t1": A_SU},
    "redirect": {"GET t1": A_REDIRECT},
    "simple_history": {
        "GET t1": A_SHARED_READ,
        "GET t2": A_SHARED_READ,
        "POST t1": A_OWN_WRITE_T1,
        "POST t2": A_OWN_WRITE_T2,
    },
}
# People: the back office sees the people of its own tables' organisations (every table's for
# the ministry and superusers); their coordinators change them; only superusers delete.
PERSONS = {
    **SHARED_PARTNERS,
    "change": {
        "GET t1": A_READ_T1,
        "GET t2": A_READ_T2,
        "POST t1": A_WRITE_T1,
        "POST t2": A_WRITE_T2,
    },
    "history": {"GET t1": A_READ_T1, "GET t2": A_READ_T2},
    "delete": {"GET t1": A_SU_T1, "POST t1": A_SU_T1},
    "simple_history": {
        "GET t1": A_READ_T1,
        "GET t2": A_READ_T2,
        "POST t1": A_WRITE_T1,
        "POST t2": A_WRITE_T2,
    },
}
# Geography: read by the back office; regions and MRC changed by superusers only; a
# municipality by the coordinators whose territory includes it.
GEOGRAPHY = {
    "changelist": {"GET": A_LIST},
    "add": {"GET": A_SU, "POST": A_SU},
    "change": {"GET t1": A_SHARED_READ, "POST t1": A_SU},
    "history": {"GET t1": A_SHARED_READ},
    "delete": {"GET t1": A_SU, "POST t1": A_SU},
    "redirect": {"GET t1": A_REDIRECT},
    "simple_history": {"GET t1": A_SHARED_READ, "POST t1": A_SU},
}
MUNICIPALITY = {
    **GEOGRAPHY,
    "change": {
        "GET t1": A_SHARED_READ,
        "GET t2": A_SHARED_READ,
        "POST t1": A_OWN_WRITE_T1,
        "POST t2": A_OWN_WRITE_T2,
    },
    "simple_history": {
        "GET t1": A_SHARED_READ,
        "GET t2": A_SHARED_READ,
        "POST t1": A_OWN_WRITE_T1,
        "POST t2": A_OWN_WRITE_T2,
    },
}
# Tables: their coordinators change them; only superusers create and delete.
TABLES = {
    **TABLE_OWNED,
    "add": {"GET": A_SU, "POST": A_SU},
    "delete": {"GET t1": A_SU_T1, "GET t2": A_SU_T2, "POST t1": A_SU_T1, "POST t2": A_SU_T2},
}
# Invitations: sent from the web page, kept as a record (read like table data, deleted by
# superusers only, never added or edited in the admin).
INVITATIONS = {
    **TABLE_OWNED,
    "add": {"GET": A_NONE, "POST": A_NONE},
    "change": {
        "GET t1": A_READ_T1,
        "GET t2": A_READ_T2,
        "POST t1": A_NONE_T1,
        "POST t2": A_NONE_T2,
    },
    "delete": {"GET t1": A_SU_T1, "GET t2": A_SU_T2, "POST t1": A_SU_T1, "POST t2": A_SU_T2},
    "simple_history": {
        "GET t1": A_READ_T1,
        "GET t2": A_READ_T2,
        "POST t1": A_NONE_T1,
        "POST t2": A_NONE_T2,
    },
}
# Activities: declared and reviewed on the portal's pages; the admin only reads them and
# deletes softly (nobody adds, changes or reverts one there, superusers included).
ACTIVITIES = {
    **TABLE_OWNED,
    "add": {"GET": A_NONE, "POST": A_NONE},
    "change": {
        "GET t1": A_READ_T1,
        "GET t2": A_READ_T2,
        "POST t1": A_NONE_T1,
        "POST t2": A_NONE_T2,
    },
    "simple_history": {
        "GET t1": A_READ_T1,
        "GET t2": A_READ_T2,
        "POST t1": A_NONE_T1,
        "POST t2": A_NONE_T2,
    },
}
# Background task results (django-tasks-db's own admin): superusers read them; nobody adds,
# changes or deletes one.
TASK_RESULTS = {
    "changelist": {"GET": A_SU},
    "add": {"GET": A_NONE, "POST": A_NONE},
    "change": {"GET t1": A_SU, "POST t1": A_NONE},
    "history": {"GET t1": A_SU},
    "delete": {"GET t1": A_NONE, "POST t1": A_NONE},
    "redirect": {"GET t1": A_REDIRECT},
}

# The mailing list: table-owned, but its history is never reverted (a subscriber would be
# subscribed again, a sent message would become a draft to send twice).
MAILING = {
    **TABLE_OWNED,
    "simple_history": {
        "GET t1": A_READ_T1,
        "GET t2": A_READ_T2,
        "POST t1": A_NONE_T1,
        "POST t2": A_NONE_T2,
    },
}

# model label → (kind of rows, the scope object filling <object_id>)
ADMIN_MODELS = {
    "auth_group": (ACCOUNTS, "group"),
    "auth_user": (ACCOUNTS, "user"),
    "sites_site": (SUPERUSER_ONLY, "site"),
    "account_emailaddress": (ACCOUNTS, "emailaddress"),
    "mfa_authenticator": (SUPERUSER_ONLY, "authenticator"),
    "municipalities_region": (GEOGRAPHY, "region"),
    "municipalities_mrc": (GEOGRAPHY, "mrc"),
    "municipalities_municipality": (MUNICIPALITY, "municipality"),
    "partners_organisation": (SHARED_PARTNERS, "organisation"),
    "partners_person": (PERSONS, "person"),
    "partners_table": (TABLES, "table"),
    "partners_committee": (TABLE_OWNED, "committee"),
    "partners_membership": (TABLE_OWNED, "membership"),
    "meetings_meeting": (TABLE_OWNED, "meeting"),
    "mailing_subscriber": (MAILING, "subscriber"),
    "mailing_message": (MAILING, "message"),
    "meetings_datepoll": (TABLE_OWNED, "datepoll"),
    "partners_invitation": (INVITATIONS, "invitation"),
    "actionplans_plan": (TABLE_OWNED, "plan"),
    "actionplans_axis": (TABLE_OWNED, "axis"),
    "actionplans_objective": (TABLE_OWNED, "objective"),
    "actionplans_measure": (TABLE_OWNED, "measure"),
    "actionplans_target": (TABLE_OWNED, "target"),
    "actionplans_indicator": (TABLE_OWNED, "indicator"),
    "actionplans_actualexpense": (TABLE_OWNED, "expense"),
    "events_eventseries": (TABLE_OWNED, "series"),
    "events_event": (TABLE_OWNED, "event"),
    "kits_kit": (TABLE_OWNED, "kit"),
    "kits_kitadoption": (TABLE_OWNED, "adoption"),
    "activities_activity": (ACTIVITIES, "activity"),
    "django_tasks_database_dbtaskresult": (TASK_RESULTS, "task_result"),
}


# The models whose admin offers simple_history's "revert to this version" page.
WITH_REVERT = {
    "auth_group",
    "auth_user",
    "account_emailaddress",
    "municipalities_region",
    "municipalities_mrc",
    "municipalities_municipality",
    "partners_organisation",
    "partners_person",
    "partners_table",
    "partners_committee",
    "partners_membership",
    "partners_invitation",
    "events_eventseries",
    "kits_kit",
    "meetings_meeting",
    "mailing_subscriber",
    "mailing_message",
    "meetings_datepoll",
    "actionplans_plan",
    "actionplans_axis",
    "actionplans_objective",
    "actionplans_measure",
    "actionplans_target",
    "actionplans_indicator",
    "actionplans_actualexpense",
    "events_event",
    "kits_kitadoption",
    "activities_activity",
}


def _admin_rows():
    rows = {}
    for label, (kind, obj) in ADMIN_MODELS.items():
        app, model = label.rsplit("_", 1)
        base = f"/fr/admin/{app}/{model}/"
        urls = {
            "changelist": base,
            "add": base + "add/",
            "change": base + "{" + obj + ".pk}/change/",
            "history": base + "{" + obj + ".pk}/history/",
            "delete": base + "{" + obj + ".pk}/delete/",
            "redirect": base + "{" + obj + ".pk}/",
            "simple_history": base + "{" + obj + ".pk}/history/{" + obj + "_history}/",
        }
        for page, checks in kind.items():
            key = (
                f"admin {base[1:]}<path:object_id>/"
                if page == "redirect"
                else f"admin:{label}_{page}"
            )
            if page == "simple_history" and label not in WITH_REVERT:
                continue
            rows[key] = {"url": urls[page], **checks}
    return rows


EXPECTED = {
    # --- site shell ----------------------------------------------------------------------------
    "set_language": {"url": "/i18n/setlang/", "GET": ALL_OK, "POST": ALL_OK},
    "sitemap": {"url": "/sitemap.xml", "GET": ALL_OK},
    "healthz": {"url": "/healthz", "GET": ALL_OK},
    "home": {"url": "/fr/", "GET": ALL_OK},
    "dashboard": {"url": "/fr/mon-espace/", "GET": "login ok ok ok ok ok ok ok"},
    "invite": {
        "url": "/fr/mon-espace/inviter/",
        "GET": "login 403 403 403 ok ok 403 ok",
        "POST": "login 403 403 403 ok ok 403 ok",
    },
    # any: bound to a signed token we cannot forge; a bad token must not crash.
    "accept_invitation": {"url": "/fr/invitation/MQ/bad-token/", "GET": ANY},
    "admin:auth_user_password_change": {
        "url": "/fr/admin/auth/user/{user.pk}/password/",
        "GET t1": A_SU,
        "POST t1": A_SU,
    },
    # A forged token: the invited account must log in first; for anyone, nothing to answer.
    "answer_invitation": {
        "url": "/fr/invitation/rejoindre/forged-token/",
        "GET": "login 404 404 404 404 404 404 404",
        "POST": "login 404 404 404 404 404 404 404",
    },
    # --- meetings: answered by signed links, no account; a forged link is 404 for everyone ------
    "meetings:answer": {
        "url": "/fr/rencontres/reponse/forged-token/",
        "GET": ALL_404,
        "POST": ALL_404,
    },
    # --- the mailing list: public form and archive; signed links (forged: 404 for everyone) --
    # An empty POST is a form with errors: 400 for everyone, nothing saved.
    "mailing:subscribe": {
        "url": "/fr/listes/{table.slug}/inscription/",
        "GET t1": ALL_OK,
        "POST t1": "400 400 400 400 400 400 400 400",
    },
    "mailing:confirm": {
        "url": "/fr/listes/confirmation/forged-token/",
        "GET": ALL_404,
        "POST": ALL_404,
    },
    "mailing:unsubscribe": {
        "url": "/fr/listes/desabonnement/forged-token/",
        "GET": ALL_404,
        "POST": ALL_404,
    },
    "mailing:archive": {"url": "/fr/listes/{table.slug}/", "GET t1": ALL_OK, "GET t2": ALL_OK},
    # A message sent to the whole list is public; one sent to a segment is not archived.
    "mailing:archive_detail": {
        "url": "/fr/listes/{table.slug}/{message.pk}/",
        "GET t1": ALL_OK,
        "GET t2": ALL_OK,
        "GET t1d": ALL_404,
    },
    # A member's private calendar feed: a signed address; a forged one is 404 for everyone.
    "meetings:feed": {"url": "/fr/rencontres/agenda/forged-token.ics", "GET": ALL_404},
    # A meeting's document: whoever reads the meeting in the back office; others 404.
    "meetings:document": {
        "url": "/fr/rencontres/documents/{meeting_document.pk}/",
        "GET t1": "login 404 404 404 ok 404 ok ok",
        "GET t2": "login 404 404 404 404 ok ok ok",
    },
    # « Marquer comme fait » (POST only): the assignee organisation's people (A's follow-up:
    # pA) or the table's coordinators; anyone else does not see it (404).
    "meetings:followup_done": {
        "url": "/fr/rencontres/suivis/{followup.pk}/fait/",
        "GET t1": "login 405 405 405 405 405 405 405",
        "POST t1": "login ok 404 404 ok 404 404 ok",
        "POST t2": "login 404 ok 404 404 ok 404 ok",
    },
    "meetings:poll_answer": {
        "url": "/fr/rencontres/sondage/forged-token/",
        "GET": ALL_404,
        "POST": ALL_404,
    },
    # A date poll's admin pages: the ministry reads the results, never sends nor chooses;
    # another table's coordinator gets 404.
    "admin:meetings_datepoll_send": {
        "url": "/fr/admin/meetings/datepoll/{datepoll.pk}/envoyer/",
        "GET t1": A_WRITE_T1,
        "GET t2": A_WRITE_T2,
        "POST t1": A_WRITE_T1,
        "POST t2": A_WRITE_T2,
    },
    "admin:meetings_datepoll_results": {
        "url": "/fr/admin/meetings/datepoll/{datepoll.pk}/resultats/",
        "GET t1": A_READ_T1,
        "GET t2": A_READ_T2,
    },
    "admin:meetings_datepoll_choose": {
        "url": "/fr/admin/meetings/datepoll/{datepoll.pk}/choisir/{poll_slot.pk}/",
        "GET t1": A_WRITE_T1,
        "GET t2": A_WRITE_T2,
        # An empty POST lacks the meeting's mode: the form with its errors (400), nothing made.
        "POST t1": "login 403 403 403 400 404 403 400",
        "POST t2": "login 403 403 403 404 400 403 400",
    },
    "directory": {"url": "/fr/repertoire/", "GET": ALL_OK},
    "municipality_detail": {
        "url": "/fr/municipalites/{municipality.slug}/",
        "GET t1": ALL_OK,
        "GET t2": ALL_OK,
    },
    # --- tables ----------------------------------------------------------------------------------
    "tables:table_detail": {"url": "/fr/tables/{table.slug}/", "GET t1": ALL_OK, "GET t2": ALL_OK},
    "tables:table_events": {"url": "/fr/tables/{table.slug}/evenements/", "GET t1": ALL_OK},
    "tables:table_events_month": {
        "url": "/fr/tables/{table.slug}/evenements/mois/2030/2/",
        "GET t1": ALL_OK,
    },
    "tables:table_feed": {"url": "/fr/tables/{table.slug}/evenements.ics", "GET t1": ALL_OK},
    # The link-preview pictures (Open Graph): public like the pages they illustrate.
    "tables:table_image": {
        "url": "/fr/tables/{table.slug}/apercu.png",
        "GET t1": ALL_OK,
        "GET t2": ALL_OK,
    },
    "plans:plan_image": {
        "url": "/fr/plans/{plan.slug}/apercu.png",
        "GET t1": ALL_OK,
        "GET t2": ALL_OK,
        "GET t1d": ALL_404,
    },
    # --- published plans (public pages); drafts are 404 on the public side for everyone -----------
    "plans:plan_json": {
        "url": "/fr/plans/{plan.slug}.json",
        "GET t1": ALL_OK,
        "GET t2": ALL_OK,
        "GET t1d": ALL_404,
    },
    # A draft plan's pages: the preview of its own coordination (and superusers), 404 to others.
    "plans:plan_detail": {
        "url": "/fr/plans/{plan.slug}/",
        "GET t1": ALL_OK,
        "GET t2": ALL_OK,
        "GET t1d": "404 404 404 404 ok 404 404 ok",
        "GET t2d": "404 404 404 404 404 ok 404 ok",
    },
    "plans:public_report": {
        "url": "/fr/plans/{plan.slug}/rapport.pdf",
        "GET t1": ALL_OK,
        "GET t1d": ALL_404,
    },
    "plans:measure_detail": {
        "url": "/fr/plans/{plan.slug}/mesures/{measure.number}/",
        "GET t1": ALL_OK,
        "GET t2": ALL_OK,
        "GET t1d": "404 404 404 404 ok 404 404 ok",
    },
    # --- reports (full version): ministry and the plan's own coordinators -----------------------
    "accountability:home": {"url": "/fr/rapports/", "GET": "login 403 403 403 ok ok ok ok"},
    # Every table side by side: the ministry and superusers only, coordinators included out.
    "accountability:tables": {
        "url": "/fr/rapports/tables/",
        "GET": "login 403 403 403 403 403 ok ok",
    },
    "accountability:plan": {
        "url": "/fr/rapports/{plan.slug}/",
        "GET t1": "login 403 403 403 ok no ok ok",
        "GET t2": "login 403 403 403 no ok ok ok",
        "GET t1d": "login 403 403 403 ok no ok ok",
        "GET t2d": "login 403 403 403 no ok ok ok",
    },
    # Submitting (a confirmation page, then the POST; without a period both go back to the
    # plan's report page) and reopening: the table's coordinators and superusers, never the
    # ministry. The files as submitted: read by whoever reads the full report.
    "accountability:submit": {
        "url": "/fr/rapports/{plan.slug}/soumettre/",
        "GET t1": "login 403 403 403 ok 403 403 ok",
        "GET t2": "login 403 403 403 403 ok 403 ok",
        "POST t1": "login 403 403 403 ok 403 403 ok",
        "POST t2": "login 403 403 403 403 ok 403 ok",
    },
    "accountability:submission_pdf": {
        "url": "/fr/rapports/{plan.slug}/soumis/{submission.pk}/pdf/",
        "GET t1": "login 403 403 403 ok 403 ok ok",
        "GET t2": "login 403 403 403 403 ok ok ok",
    },
    "accountability:submission_xlsx": {
        "url": "/fr/rapports/{plan.slug}/soumis/{submission.pk}/xlsx/",
        "GET t1": "login 403 403 403 ok 403 ok ok",
        "GET t2": "login 403 403 403 403 ok ok ok",
    },
    "accountability:reopen": {
        "url": "/fr/rapports/{plan.slug}/soumis/{submission.pk}/rouvrir/",
        "GET t1": "login 403 403 403 ok 403 403 ok",
        "GET t2": "login 403 403 403 403 ok 403 ok",
        "POST t1": "login 403 403 403 ok 403 403 ok",
        "POST t2": "login 403 403 403 403 ok 403 ok",
    },
    # The texts of the report: the ministry reads them, the table's coordinators write them.
    # (An empty POST is a valid save of empty texts: back to the page, "ok".)
    "accountability:narratives": {
        "url": "/fr/rapports/{plan.slug}/textes/",
        "GET t1": "login 403 403 403 ok 403 ok ok",
        "GET t2": "login 403 403 403 403 ok ok ok",
        "GET t1d": "login 403 403 403 ok 403 ok ok",
        "POST t1": "login 403 403 403 ok 403 403 ok",
        "POST t2": "login 403 403 403 403 ok 403 ok",
    },
    # --- events: public ones for everyone; private ones are not on the public calendar -----------
    # (c1 on its own private event: any — the brief does not say whether coordinators preview.)
    "events:list": {"url": "/fr/evenements/", "GET": ALL_OK},
    "events:month": {"url": "/fr/evenements/mois/2030/2/", "GET": ALL_OK},
    "events:detail": {
        "url": "/fr/evenements/{event.slug}/",
        "GET t1": ALL_OK,
        "GET t2": ALL_OK,
        "GET t1d": "404 404 404 404 any 404 any any",
        "GET t2d": "404 404 404 404 404 any any any",
    },
    "events:ics": {
        "url": "/fr/evenements/{event.slug}.ics",
        "GET t1": ALL_OK,
        "GET t1d": "404 404 404 404 any 404 any any",
    },
    "events_feed": {"url": "/fr/evenements.ics", "GET": ALL_OK},
    # Registering (the world's public events take registrations): anyone, no account; the form
    # posted empty is refused (400) for everyone; a private event has no public form (404).
    "events:register": {
        "url": "/fr/evenements/{event.slug}/inscription/",
        "GET t1": "405 405 405 405 405 405 405 405",
        "POST t1": "400 400 400 400 400 400 400 400",
        "POST t1d": ALL_404,
    },
    # Cancelling by the signed link of the e-mail: a forged link is 404 for everyone.
    "events:registration_cancel": {
        "url": "/fr/evenements/inscription/forged-token/annuler/",
        "GET": ALL_404,
        "POST": ALL_404,
    },
    # --- kits: published for everyone; unpublished previewed by their own table only -----------
    "kits:list": {"url": "/fr/trousses/", "GET": ALL_OK},
    "kits:detail": {
        "url": "/fr/trousses/{kit.slug}/",
        "GET t1": ALL_OK,
        "GET t2": ALL_OK,
        "GET t1d": "404 404 404 404 ok 404 any ok",
        "GET t2d": "404 404 404 404 404 ok any ok",
    },
    "kits:zip": {
        "url": "/fr/trousses/{kit.slug}.zip",
        "GET t1": ALL_OK,
        "GET t1d": "404 404 404 404 ok 404 any ok",
    },
    "kits:asset": {
        "url": "/fr/trousses/{kit.slug}/fichiers/{asset.pk}/",
        "GET t1": ALL_OK,
        "GET t1d": "404 404 404 404 ok 404 any ok",
    },
    "kits:personalised": {
        "url": "/fr/trousses/{kit.slug}/{municipality.slug}/",
        "GET t1": ALL_OK,
        "GET t1d": "404 404 404 404 ok 404 any ok",
        "GET t2d": "404 404 404 404 404 ok any ok",
    },
    # Marking an adoption: the municipality's contact, the kit's table coordinators, superusers.
    "kits:adoption": {
        "url": "/fr/trousses/{kit.slug}/{municipality.slug}/adoption/",
        "GET t1": "login 405 405 405 405 405 405 405",
        "POST t1": "login 403 403 ok ok no 403 ok",
        # An unpublished kit cannot be taken up yet, by anyone.
        "POST t1d": "login 404 404 404 404 404 404 404",
    },
    # The adoption follow-up of a table: its coordinators; the ministry reads every table.
    "kits:matrix": {
        "url": "/fr/trousses/suivi/{table.slug}/",
        "GET t1": "login 403 403 403 ok no ok ok",
        "GET t2": "login 403 403 403 no ok ok ok",
    },
    "kits:matrix_xlsx": {
        "url": "/fr/trousses/suivi/{table.slug}.xlsx",
        "GET t1": "login 403 403 403 ok no ok ok",
        "GET t2": "login 403 403 403 no ok ok ok",
    },
    # --- activities (Mon espace): t1 is org A's submitted activity in table 1 -------------------
    "activities:list": {"url": "/fr/activites/", "GET": "login ok ok ok ok ok ok ok"},
    "activities:create": {
        "url": "/fr/activites/nouvelle/",
        "GET": "login ok ok 403 ok ok 403 ok",
        "POST": "login ok ok 403 ok ok 403 ok",
    },
    "activities:review_queue": {
        "url": "/fr/activites/revision/",
        "GET": "login 403 403 403 ok ok 403 ok",
    },
    "activities:export": {
        "url": "/fr/activites/export/{plan.slug}.csv",
        "GET t1": "login 403 403 403 ok no ok ok",
        "GET t2": "login 403 403 403 no ok ok ok",
    },
    "activities:detail": {
        "url": "/fr/activites/{activity.pk}/",
        "GET t1": "login ok 404 404 ok 404 ok ok",
        "GET t2": "login 404 ok 404 404 ok ok ok",
    },
    "activities:update": {
        "url": "/fr/activites/{activity.pk}/modifier/",
        "GET t1": "login ok 404 404 ok 404 403 ok",
        "GET t2": "login 404 ok 404 404 ok 403 ok",
        "POST t1": "login ok 404 404 ok 404 403 ok",
        "POST t2": "login 404 ok 404 404 ok 403 ok",
    },
    "activities:submit": {
        "url": "/fr/activites/{activity.pk}/soumettre/",
        "GET t1": "login 405 405 405 405 405 405 405",
        "POST t1": "login ok 404 404 ok 404 403 ok",
        "POST t2": "login 404 ok 404 404 ok 403 ok",
    },
    "activities:approve": {
        "url": "/fr/activites/{activity.pk}/approuver/",
        "GET t1": "login 405 405 405 405 405 405 405",
        "POST t1": "login 403 404 404 ok 404 403 ok",
        "POST t2": "login 404 403 404 404 ok 403 ok",
    },
    "activities:return": {
        "url": "/fr/activites/{activity.pk}/renvoyer/",
        "POST t1": "login 403 404 404 ok 404 403 ok",
        "POST t2": "login 404 403 404 404 ok 403 ok",
    },
    "activities:delete": {
        "url": "/fr/activites/{activity.pk}/supprimer/",
        "POST t1": "login ok 404 404 ok 404 403 ok",
        "POST t2": "login 404 ok 404 404 ok 403 ok",
    },
    "activities:attachment": {
        "url": "/fr/activites/{activity.pk}/pieces/{attachment.pk}/",
        "GET t1": "login ok 404 404 ok 404 ok ok",
        "GET t2": "login 404 ok 404 404 ok ok ok",
    },
    # --- the admin site --------------------------------------------------------------------------
    "admin:index": {"url": "/fr/admin/", "GET": A_LIST},
    "admin:app_list": {"url": "/fr/admin/partners/", "GET": A_LIST},
    # The admin's login page: the allauth login for visitors, refused to non-back-office roles.
    "admin:login": {"url": "/fr/admin/login/", "GET": "login 403 403 403 ok ok ok ok"},
    "admin:logout": {"url": "/fr/admin/logout/", "POST": "login 403 403 403 ok ok ok ok"},
    "admin:password_change": {"url": "/fr/admin/password_change/", "GET": A_LIST},
    "admin:password_change_done": {"url": "/fr/admin/password_change/done/", "GET": A_LIST},
    # any for the back office: answers only with its query parameters (400/403 without).
    "admin:autocomplete": {
        "url": "/fr/admin/autocomplete/",
        "GET": "login 403 403 403 any any any any",
    },
    "admin:jsi18n": {"url": "/fr/admin/jsi18n/", "GET": A_LIST},
    # "View on site" of table 1's event: never for another table's coordinator.
    "admin:view_on_site": {
        "url": "/fr/admin/r/{event_ct}/{event.pk}/",
        "GET t1": A_READ_T1,
        "GET t2": A_READ_T2,
    },
    # The catch-all: an unknown admin address.
    # Accounts without a back-office role are refused before the address is looked up.
    "admin fr/admin/(?P<url>.*)$": {
        "url": "/fr/admin/nothing-here/",
        "GET": "any 403 403 403 404 404 404 404",
    },
    "admin:actionplans_plan_export": {
        "url": "/fr/admin/actionplans/plan/{plan.pk}/exporter/xlsx/",
        "GET t1": A_READ_T1,
        "GET t2": A_READ_T2,
    },
    # « Plan complet »: whoever reads the plan sees its tree (the ministry too, without forms);
    # its forms POST here: the table's coordinators and superusers, never the ministry.
    "admin:actionplans_plan_outline": {
        "url": "/fr/admin/actionplans/plan/{plan.pk}/plan-complet/",
        "GET t1": A_READ_T1,
        "GET t2": A_READ_T2,
        "POST t1": A_WRITE_T1,
        "POST t2": A_WRITE_T2,
    },
    # « Exporter les présences » of an event: whoever reads the event (the ministry too).
    "admin:events_event_attendance_export": {
        "url": "/fr/admin/events/event/{event.pk}/presences.xlsx",
        "GET t1": A_READ_T1,
        "GET t2": A_READ_T2,
    },
    "admin:actionplans_plan_import": {
        "url": "/fr/admin/actionplans/plan/importer/{table.pk}/",
        "GET t1": "login 403 403 403 ok no 403 ok",
        "GET t2": "login 403 403 403 no ok 403 ok",
        "POST t1": "login 403 403 403 ok no 403 ok",
    },
    # Spreadsheet import of measures (django-import-export): writes, so never the ministry;
    # "any" for the writers since the step needs an uploaded file.
    "admin:actionplans_measure_import": {
        "url": "/fr/admin/actionplans/measure/import/",
        "GET": "login 403 403 403 ok ok 403 ok",
        "POST": "login 403 403 403 any any 403 any",
    },
    # « Répartir par année »: a budget line's split page (GET shows it, POST does it): the
    # table's coordinators and superusers; the ministry reads the measure, never splits.
    "admin:actionplans_measure_split_line": {
        "url": "/fr/admin/actionplans/measure/{measure.pk}/lignes/{budget_line.pk}/repartir/",
        "GET t1": A_WRITE_T1,
        "GET t2": A_WRITE_T2,
        "POST t1": A_WRITE_T1,
        "POST t2": A_WRITE_T2,
    },
    # « Convoquer les membres »: the confirmation (GET) and the sending (POST), for the table's
    # coordinators and superusers; the ministry reads the meeting, never convenes.
    "admin:meetings_meeting_convene": {
        "url": "/fr/admin/meetings/meeting/{meeting.pk}/convoquer/",
        "GET t1": A_WRITE_T1,
        "GET t2": A_WRITE_T2,
        "POST t1": A_WRITE_T1,
        "POST t2": A_WRITE_T2,
    },
    # « Envoyer le compte rendu »: the table's coordinators and superusers; the ministry reads
    # the meeting, never sends.
    "admin:meetings_meeting_send_minutes": {
        "url": "/fr/admin/meetings/meeting/{meeting.pk}/compte-rendu/envoyer/",
        "GET t1": A_WRITE_T1,
        "GET t2": A_WRITE_T2,
        "POST t1": A_WRITE_T1,
        "POST t2": A_WRITE_T2,
    },
    "admin:actionplans_measure_process_import": {
        "url": "/fr/admin/actionplans/measure/process_import/",
        "POST": "login 403 403 403 any any 403 any",
    },
    # The mailing list's pages: importing and adding the members write (never the ministry);
    # the preview reads; « Envoyer » (a sent message: back to its page) and « Annoncer » (a POST
    # from the event's page) are the table's coordinators' and superusers'.
    "admin:mailing_subscriber_import": {
        "url": "/fr/admin/mailing/subscriber/importer/",
        "GET": A_ADD,
        "POST": A_ADD,
    },
    "admin:mailing_subscriber_add_members": {
        "url": "/fr/admin/mailing/subscriber/membres/",
        "GET": A_ADD,
        "POST": A_ADD,
    },
    "admin:mailing_message_preview": {
        "url": "/fr/admin/mailing/message/{message.pk}/apercu/",
        "GET t1": A_READ_T1,
        "GET t2": A_READ_T2,
    },
    "admin:mailing_message_send": {
        "url": "/fr/admin/mailing/message/{message.pk}/envoyer/",
        "GET t1": A_WRITE_T1,
        "GET t2": A_WRITE_T2,
        "POST t1": A_WRITE_T1,
        "POST t2": A_WRITE_T2,
    },
    "admin:mailing_message_announce": {
        "url": "/fr/admin/mailing/message/annoncer/{event.pk}/",
        "GET t1": "login 403 403 403 405 405 405 405",
        "POST t1": A_WRITE_T1,
        "POST t2": A_WRITE_T2,
    },
    **_admin_rows(),
    # --- allauth: the account pages belong to everyone (no table data) ---------------------------
    "account_login": {"url": "/fr/comptes/login/", "GET": ALL_OK},
    # any: allauth's own account pages; they hold no table data (login/redirect by state).
    "account_logout": {"url": "/fr/comptes/logout/", "GET": ANY},
    "account_inactive": {"url": "/fr/comptes/inactive/", "GET": ANY},
    "account_signup": {"url": "/fr/comptes/signup/", "GET": ANY},
    "account_reauthenticate": {"url": "/fr/comptes/reauthenticate/", "GET": ANY},
    "account_email": {"url": "/fr/comptes/email/", "GET": ANY},
    "account_email_verification_sent": {"url": "/fr/comptes/confirm-email/", "GET": ANY},
    "account_change_password": {"url": "/fr/comptes/password/change/", "GET": ANY},
    "account_set_password": {"url": "/fr/comptes/password/set/", "GET": ANY},
    "account_reset_password": {"url": "/fr/comptes/password/reset/", "GET": ANY},
    "account_confirm_login_code": {"url": "/fr/comptes/login/code/confirm/", "GET": ANY},
    "account_confirm_email": {"url": "/fr/comptes/confirm-email/bad-key/", "GET": ANY},
    "account_reset_password_from_key_done": {
        "url": "/fr/comptes/password/reset/key/done/",
        "GET": ANY,
    },
    "account_reset_password_from_key": {"url": "/fr/comptes/password/reset/key/1-bad/", "GET": ANY},
    "account_reset_password_done": {"url": "/fr/comptes/password/reset/done/", "GET": ANY},
    "mfa_index": {"url": "/fr/comptes/2fa/", "GET": ANY},
    "mfa_authenticate": {"url": "/fr/comptes/2fa/authenticate/", "GET": ANY},
    "mfa_reauthenticate": {"url": "/fr/comptes/2fa/reauthenticate/", "GET": ANY},
    "mfa_activate_totp": {"url": "/fr/comptes/2fa/totp/activate/", "GET": ANY},
    "mfa_deactivate_totp": {"url": "/fr/comptes/2fa/totp/deactivate/", "GET": ANY},
    "mfa_view_recovery_codes": {"url": "/fr/comptes/2fa/recovery-codes/", "GET": ANY},
    "mfa_generate_recovery_codes": {"url": "/fr/comptes/2fa/recovery-codes/generate/", "GET": ANY},
    "mfa_download_recovery_codes": {"url": "/fr/comptes/2fa/recovery-codes/download/", "GET": ANY},
}


def _resolver_patterns(patterns=None, prefix="", namespace=None):
    """(key, route) of every URL pattern; key is the pattern's name, or "<ns> <route>"."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _resolver_patterns(pattern.url_patterns, route, inner)
        elif isinstance(pattern, URLPattern):
            if pattern.name:
                yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), route
            else:
                yield f"{namespace or ''} {route}", route


def _close(response):
    """Close a file response's file (attachments, kit files) without the end-of-request
    signal closing the test's database connection, as the test client itself does."""
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


def _classify(response):
    status = response.status_code
    if status in (301, 302, 303):  # 303: a form that redirects after its POST
        location = response["Location"]
        if location.startswith(("/fr/comptes/login/", "/fr/admin/login/")):
            return "login"
        return "ok"
    if status == 200:
        return "ok"
    return str(status)


def _matches(expected, got, status):
    if expected == "any":
        return status < 500
    if expected == "no":
        return got in ("403", "404")
    return expected == got


def _build_world():
    mrc1, mrc2 = MrcFactory(slug="mrc-1"), MrcFactory(slug="mrc-2")
    table1 = TableFactory(name="Table 1", slug="table-1", mrcs=[mrc1])
    table2 = TableFactory(name="Table 2", slug="table-2", mrcs=[mrc2])
    org_a = OrganisationFactory(name="Organisme A", slug="organisme-a")
    org_b = OrganisationFactory(name="Organisme B", slug="organisme-b")
    muni1 = MunicipalityFactory(slug="muni-1", mrc=mrc1)
    muni2 = MunicipalityFactory(slug="muni-2", mrc=mrc2)

    users = {"anon": None}
    users["pA"] = partner_of(org_a, username="partenaire-a@example.org")
    users["pB"] = partner_of(org_b, username="partenaire-b@example.org")
    contact = UserFactory(username="contact-muni@example.org")
    muni1.contact = PersonFactory(user=contact, organisation=OrganisationFactory())
    muni1.save()
    users["muni"] = contact
    users["c1"] = coordinator_of(table1, username="coord-1@example.org")
    users["c2"] = coordinator_of(table2, username="coord-2@example.org")
    users["min"] = ministry_user(username="ministere@example.org")
    users["su"] = UserFactory(username="admin@example.org", is_staff=True, is_superuser=True)
    for role in ("c1", "c2", "min", "su"):
        TOTP.activate(users[role], generate_totp_secret())

    worlds = {}
    for n, (table, org, muni, mrc, partner) in enumerate(
        [(table1, org_a, muni1, mrc1, users["pA"]), (table2, org_b, muni2, mrc2, users["pB"])],
        start=1,
    ):
        membership = MembershipFactory(table=table, organisation=org)
        plan = PlanFactory(table=table, slug=f"plan-{n}")
        draft = PlanFactory(table=table, slug=f"brouillon-{n}", status="draft")
        measure = measure_in(plan, "1.1.1")
        measure.leads.add(org)  # the partner's organisation leads it: it may declare activities
        draft_measure = measure_in(draft, "1.1.1")
        indicator = IndicatorFactory(measure=measure)
        target = TargetFactory(indicator=indicator)
        budget_line = BudgetLineFactory(measure=measure)
        expense = ActualExpense.objects.create(
            plan=plan, budget_line=budget_line, date=plan.start_date, amount=10
        )
        activity = ActivityFactory(
            measure=measure, organisation=org, author=partner, status="submitted"
        )
        activity.municipalities.add(muni)
        attachment = Attachment.objects.create(
            activity=activity,
            file=ContentFile(b"hello", name="note.txt"),
            original_name="note.txt",
            content_type="text/plain",
            size=5,
        )
        event = EventFactory(table=table, slug=f"evenement-{n}", registration_required=True)
        private = EventFactory(table=table, slug=f"prive-{n}", is_public=False)
        series = event.__class__._meta.get_field("series").related_model.objects.create(
            table=table, title=f"Série {n}", slug=f"serie-{n}"
        )
        kits = {}
        for published in (True, False):
            kit = Kit.objects.create(
                table=table,
                number=1 if published else 2,
                title=f"Trousse {n}",
                slug=f"trousse-{n}-{'pub' if published else 'brouillon'}",
                is_published=published,
            )
            asset = KitAsset.objects.create(
                kit=kit,
                kind=KitAsset.Kind.DOCUMENT,
                title="Affiche",
                file=ContentFile(b"%PDF-1.4", name="affiche.pdf"),
                content_type="application/pdf",
                size=8,
            )
            kits[published] = (kit, asset)
        adoption = KitAdoption.objects.create(
            kit=kits[True][0], municipality=muni, status=KitAdoption.Status.IN_PROGRESS
        )
        committee = Committee.objects.create(table=table, name=f"Comité {n}")
        meeting = Meeting.objects.create(
            table=table, committee=committee, starts_at="2030-01-01T10:00-05:00"
        )
        subscriber = Subscriber.objects.create(
            table=table,
            email=f"abonne-{n}@example.org",
            status=Subscriber.Status.SUBSCRIBED,
            source=Subscriber.Source.COORDINATION,
            consented_at=timezone.now(),
            consent_evidence="Demandé en personne.",
        )
        message = MailingMessage.objects.create(
            table=table,
            subject=f"Nouvelles {n}",
            body="Texte",
            status=MailingMessage.Status.SENT,
            sent_at=timezone.now(),
        )
        segment_message = MailingMessage.objects.create(
            table=table,
            subject=f"Au comité {n}",
            body="Texte",
            segment=MailingMessage.Segment.COMMITTEE,
            committee=committee,
            status=MailingMessage.Status.SENT,
            sent_at=timezone.now(),
        )
        meeting_document = MeetingDocument.objects.create(
            meeting=meeting, title="Ordre du jour", file=ContentFile(b"%PDF-1.4", name="odj.pdf")
        )
        followup = FollowUp.objects.create(meeting=meeting, text="Suivi", organisation=org)
        datepoll = DatePoll.objects.create(
            table=table, title=f"Sondage {n}", closes_on="2030-01-01"
        )
        poll_slot = PollSlot.objects.create(
            poll=datepoll, starts_at="2030-02-01T10:00-05:00", ends_at="2030-02-01T12:00-05:00"
        )
        invitation = Invitation.objects.create(
            email=f"invite-{n}@example.org",
            organisation=org,
            role="partner",
            table=table,
            user=UserFactory(username=f"invite-{n}@example.org"),
        )
        # The plan's last year submitted and locked (the activity above, in 2023, stays open).
        lock = PeriodLock.objects.create(
            plan=plan,
            start_date=date(2024, 4, 1),
            end_date=date(2025, 3, 31),
            reason="Rapport d'étape soumis au ministère",
            locked_at=timezone.now(),
            locked_by=users[f"c{n}"],
        )
        submission = Submission.objects.create(
            plan=plan,
            period_start=lock.start_date,
            period_end=lock.end_date,
            period_key="2024-2025",
            submitted_by=users[f"c{n}"],
            lock=lock,
            pdf=ContentFile(b"%PDF-1.4", name="rapport.pdf"),
            xlsx=ContentFile(b"PK", name="rapport.xlsx"),
        )
        person = partner.person
        common = {
            "table": table,
            "organisation": org,
            "person": person,
            "municipality": muni,
            "mrc": mrc,
            "region": mrc.region,
            "membership": membership,
            "axis": measure.objective.axis,
            "objective": measure.objective,
            "indicator": indicator,
            "target": target,
            "budget_line": budget_line,
            "expense": expense,
            "activity": activity,
            "attachment": attachment,
            "series": series,
            "adoption": adoption,
            "committee": committee,
            "meeting": meeting,
            "subscriber": subscriber,
            "meeting_document": meeting_document,
            "followup": followup,
            "datepoll": datepoll,
            "poll_slot": poll_slot,
            "invitation": invitation,
            "user": partner,
            "group": Group.objects.get(name="ministry"),
            "site": Site.objects.get_current(),
            "emailaddress": EmailAddress.objects.create(
                user=partner, email=partner.email, verified=True, primary=True
            ),
            "authenticator": users[f"c{n}"].authenticator_set.first(),
            "task_result": DBTaskResult.objects.create(
                task_path="common.mail.deliver_email",
                args_kwargs={"args": [], "kwargs": {}},
                backend_name="default",
            ),
            "event_ct": ContentType.objects.get_for_model(event).pk,
        }
        public = {
            "plan": plan,
            "measure": measure,
            "event": event,
            "submission": submission,
            "message": message,
        }
        public["kit"], public["asset"] = kits[True]
        hidden = {
            "plan": draft,
            "measure": draft_measure,
            "event": private,
            "message": segment_message,
        }
        hidden["kit"], hidden["asset"] = kits[False]
        for scope, extra in ((f"t{n}", public), (f"t{n}d", hidden)):
            values = {**common, **extra}
            for key, obj in list(values.items()):
                history = getattr(obj, "history", None)
                if history is not None and hasattr(history, "first") and history.exists():
                    values[f"{key}_history"] = history.first().history_id
            worlds[scope] = SimpleNamespace(**values)
    return users, worlds


def _client(user):
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    client.cookies["csrftoken"] = CSRF
    return client


# Access, not templates: allauth's own templates read variables the strict mode rejects.
@pytest.mark.ignore_template_errors
def test_access_matrix(db, settings):
    settings.REQUIRE_STAFF_MFA = True  # the real rule: staff accounts below have a TOTP
    users, worlds = _build_world()
    clients = {role: _client(users[role]) for role in ROLES}

    patterns = list(_resolver_patterns())
    keys = {key for key, _ in patterns}
    missing = sorted(key for key in keys if key not in EXPECTED)
    stale = sorted(key for key in EXPECTED if key not in keys)

    failures, cells = [], 0
    checked_keys = set()
    for key, row in EXPECTED.items():
        if key in stale:
            continue
        for check, expectations in row.items():
            if check == "url":
                continue
            method, _, scope = check.partition(" ")
            world = worlds[scope or "t1"]
            url = row["url"].format(**vars(world))
            match = resolve(url.split("?")[0])
            resolved = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
            if key.startswith("admin "):  # an unnamed admin pattern
                assert match.url_name is None, (key, url)
            elif resolved != key:
                raise AssertionError(f"{url} resolves to {resolved}, not {key}")
            checked_keys.add(key)
            expected_cells = expectations.split()
            assert len(expected_cells) == len(ROLES), (key, check)
            for role, expected in zip(ROLES, expected_cells, strict=True):
                client = clients[role]
                with transaction.atomic():
                    if method == "GET":
                        response = client.get(url)
                    else:
                        response = client.post(
                            url, {"csrfmiddlewaretoken": CSRF, "post": "yes"}, HTTP_X_CSRFTOKEN=CSRF
                        )
                    transaction.set_rollback(True)
                if "logout" in key:  # the session is gone: log the role in again
                    clients[role] = _client(users[role])
                got = _classify(response)
                _close(response)
                cells += 1
                if not _matches(expected, got, response.status_code):
                    failures.append(
                        f"{key} {check} [{role}]: got {got}, expected {expected} ({url})"
                    )

    size = len(patterns) * len(ROLES)
    print(
        f"\naccess matrix: {len(patterns)} URL patterns × {len(ROLES)} roles = {size}; "
        f"{len(EXPECTED)} rows; {cells} cells checked"
    )
    for line in failures:
        print("FAIL", line)
    assert not missing, f"URL patterns without a row in EXPECTED: {missing}"
    assert not stale, f"rows without a URL pattern: {stale}"
    assert checked_keys == keys - set(stale)
    assert len(patterns) >= 240 and cells >= 1500, (len(patterns), cells)
    assert not failures, f"{len(failures)} cells disagree:\n" + "\n".join(failures)
