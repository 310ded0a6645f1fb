from django.urls import path

from accountability import views

app_name = "accountability"
urlpatterns = [
    path("", views.report_home, name="home"),
    path("<slug:slug>/", views.report_plan, name="plan"),
    path("<slug:slug>/textes/", views.report_narratives_page, name="narratives"),
]
