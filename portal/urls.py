from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from events import views as event_views
from partners import views as partner_views
from portal import views
from portal.sitemaps import sitemap_xml

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("sitemap.xml", sitemap_xml, name="sitemap"),
]

urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("admin/", admin.site.urls),
    path("comptes/", include("allauth.urls")),
    path("mon-espace/", views.dashboard, name="dashboard"),
    path("mon-espace/inviter/", partner_views.invite, name="invite"),
    path(
        "invitation/rejoindre/<str:token>/",
        partner_views.answer_invitation,
        name="answer_invitation",
    ),
    path("invitation/<uidb64>/<token>/", partner_views.accept_invitation, name="accept_invitation"),
    path("activites/", include("activities.urls")),
    path("tables/", include("portal.table_urls")),
    path("plans/", include("accountability.plan_urls")),
    path("evenements/", include("events.urls")),
    path("evenements.ics", event_views.feed, name="events_feed"),
    path("repertoire/", partner_views.directory, name="directory"),
    path("trousses/", include("kits.urls")),
    path("rapports/", include("accountability.urls")),
    path("rencontres/", include("meetings.urls")),
    path("listes/", include("mailing.urls")),
    path(
        "municipalites/<slug:slug>/",
        views.municipality_detail,
        name="municipality_detail",
    ),
    prefix_default_language=True,
)
