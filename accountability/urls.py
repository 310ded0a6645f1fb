from django.urls import path

from accountability import views

app_name = "accountability"
urlpatterns = [
    path("", views.report_home, name="home"),
    path("tables/", views.tables_overview_page, name="tables"),
    path("<slug:slug>/", views.report_plan, name="plan"),
]
