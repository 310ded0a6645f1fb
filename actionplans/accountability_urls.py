from django.urls import path

from actionplans import accountability_views as views

app_name = "accountability"
urlpatterns = [
    path("", views.report_home, name="home"),
    path("<slug:slug>/", views.report_plan, name="plan"),
]
