from django.urls import path

from accountability import views

app_name = "accountability"
urlpatterns = [
    path("", views.report_home, name="home"),
    path("tables/", views.tables_overview_page, name="tables"),
    path("<slug:slug>/", views.report_plan, name="plan"),
    path("<slug:slug>/soumettre/", views.submission_confirm, name="submit"),
    path(
        "<slug:slug>/soumis/<int:pk>/pdf/",
        views.submission_file,
        {"file_format": "pdf"},
        name="submission_pdf",
    ),
    path(
        "<slug:slug>/soumis/<int:pk>/xlsx/",
        views.submission_file,
        {"file_format": "xlsx"},
        name="submission_xlsx",
    ),
    path("<slug:slug>/soumis/<int:pk>/rouvrir/", views.period_reopen_confirm, name="reopen"),
    path("<slug:slug>/textes/", views.report_narratives_page, name="narratives"),
]
