from django.urls import path

from events import views as event_views
from portal import views

app_name = "tables"
urlpatterns = [
    path("<slug:slug>/", views.table_detail, name="table_detail"),
    path("<slug:slug>/apercu.png", views.table_image, name="table_image"),
    path("<slug:table_slug>/evenements/", event_views.event_list, name="table_events"),
    path(
        "<slug:table_slug>/evenements/mois/<int:year>/<int:month>/",
        event_views.event_month,
        name="table_events_month",
    ),
    path("<slug:table_slug>/evenements.ics", event_views.feed, name="table_feed"),
]
