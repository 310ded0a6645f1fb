from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from partners import views as partner_views
from portal import views

admin.site.site_header = _("Tables immigration — administration")
admin.site.site_title = _("Tables immigration")
admin.site.index_title = _("Gestion des tables et des plans d'action")
# One login for everyone (allauth: e-mail, rate limits, two-factor), the admin's included.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
]

urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("admin/", admin.site.urls),
    path("comptes/", include("allauth.urls")),
    path("mon-espace/", views.dashboard, name="dashboard"),
    path("mon-espace/inviter/", partner_views.invite, name="invite"),
    path("invitation/<uidb64>/<token>/", partner_views.accept_invitation, name="accept_invitation"),
    path("activites/", include("actionplans.report_urls")),
    path("tables/", include("partners.urls")),
    path("plans/", include("actionplans.urls")),
    path("evenements/", include("events.urls")),
    prefix_default_language=True,
)

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
