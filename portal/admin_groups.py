"""The back office's index and sidebar, grouped the way coordinators think of their work.

Superusers keep Django's full admin, app by app. Everyone else (coordinators, the ministry)
sees the models they may open, in the five groups below, in the order given; a model named in
``INTERNAL`` is not listed (it is edited inside another page, or is a registry the coordination
does not keep) but stays reachable from the pages that link to it. Every registered model is in
one or the other (``tests/portal/test_admin_groups.py``).
"""

from django.utils.translation import gettext_lazy as _

# (group's label, its id in the page, models by ``app_label.ModelName``), in reading order.
GROUPS = [
    (
        _("Plan"),
        "plan",
        ["actionplans.Plan", "actionplans.Measure", "actionplans.ActualExpense"],
    ),
    (_("Activités"), "activites", ["activities.Activity"]),
    (
        _("Table et comités"),
        "table",
        [
            "partners.Table",
            "partners.Committee",
            "meetings.Meeting",
            "meetings.DatePoll",
            "partners.Organisation",
            "partners.Person",
            "partners.Invitation",
            "mailing.Subscriber",
            "mailing.Message",
            "municipalities.Municipality",
        ],
    ),
    (_("Trousses"), "trousses", ["kits.Kit"]),
    (_("Événements"), "evenements", ["events.Event", "events.EventSeries"]),
]

# Not listed for coordinators and the ministry, with the reason.
INTERNAL = {
    # Edited on the plan's page (its rows link to them) and on the measure's page.
    "actionplans.Axis": "a row of the plan's page, with a link to its own page",
    "actionplans.Objective": "a row of the axis's page, with a link to its own page",
    "actionplans.Indicator": "the indicator rows of the measure's page",
    "actionplans.Target": "the target-per-year columns of the measure's indicator rows",
    # Members are the rows of the table's and the committees' pages.
    "partners.Membership": "the member rows of the table's and committees' pages",
    # Marked by partners from the kit's page; the kit's page lists them.
    "kits.KitAdoption": "recorded from the kit, not opened on their own",
    # Geography kept by superusers; municipalities (contacts, websites) are listed.
    "municipalities.Region": "a registry kept by superusers",
    "municipalities.Mrc": "a registry kept by superusers",
    # Accounts and the site's machinery: superusers only.
    "auth.User": "accounts: superusers only",
    "auth.Group": "accounts: superusers only",
    "account.EmailAddress": "accounts: superusers only",
    "mfa.Authenticator": "accounts: superusers only",
    "sites.Site": "the site's settings: superusers only",
    "django_tasks_database.DBTaskResult": "the worker's queue: superusers only",
}


def grouped_app_list(app_dict):
    """``AdminSite._build_app_dict``'s apps (each with its ``models``) regrouped as ``GROUPS``:
    a group the user may open nothing of is left out."""
    by_label = {
        f"{app_label}.{model['object_name']}": model
        for app_label, app in app_dict.items()
        for model in app["models"]
    }
    groups = []
    for name, group_id, labels in GROUPS:
        models = [by_label[label] for label in labels if label in by_label]
        if models:
            groups.append(
                {
                    "name": name,
                    "app_label": group_id,
                    # Its name leads to its first list (« Plan » to the plans).
                    "app_url": models[0].get("admin_url") or "",
                    "has_module_perms": True,
                    "models": models,
                }
            )
    return groups


def without_internal(app_list):
    """An app's own page (``/admin/actionplans/``) without the internal models."""
    apps = []
    for app in app_list:
        models = [
            model
            for model in app["models"]
            if f"{app['app_label']}.{model['object_name']}" not in INTERNAL
        ]
        if models:
            apps.append({**app, "models": models})
    return apps
