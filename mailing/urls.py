from django.urls import path

from mailing import views

app_name = "mailing"
urlpatterns = [
    path("confirmation/<str:token>/", views.confirm, name="confirm"),
    path("desabonnement/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("<slug:table_slug>/inscription/", views.subscribe, name="subscribe"),
    path("<slug:table_slug>/", views.archive, name="archive"),
    path("<slug:table_slug>/<int:pk>/", views.archive_detail, name="archive_detail"),
]
