from django.urls import path

from events import views

app_name = "events"
urlpatterns = [
    path("", views.event_list, name="list"),
    path("mois/<int:year>/<int:month>/", views.event_month, name="month"),
    path("inscription/<str:token>/annuler/", views.registration_cancel, name="registration_cancel"),
    path("<slug:slug>.ics", views.event_ics, name="ics"),
    path("<slug:slug>/", views.event_detail, name="detail"),
    path("<slug:slug>/inscription/", views.register, name="register"),
]
