from django.urls import path

from accountability.views import public_report
from actionplans import views

app_name = "actionplans"
urlpatterns = [
    path("<slug:slug>.json", views.plan_json, name="plan_json"),
    path("<slug:slug>/", views.plan_detail, name="plan_detail"),
    path("<slug:slug>/rapport.pdf", public_report, name="public_report"),
    path("<slug:slug>/mesures/<str:number>/", views.measure_detail, name="measure_detail"),
]
