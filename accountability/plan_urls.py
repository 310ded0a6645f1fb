from django.urls import path, register_converter

from accountability import plan_views
from accountability.views import public_report
from actionplans.converters import MeasureNumberConverter

register_converter(MeasureNumberConverter, "measure_number")

app_name = "plans"
urlpatterns = [
    path("<slug:slug>.json", plan_views.plan_json, name="plan_json"),
    path("<slug:slug>/", plan_views.plan_detail, name="plan_detail"),
    path("<slug:slug>/rapport.pdf", public_report, name="public_report"),
    path("<slug:slug>/apercu.png", plan_views.plan_image, name="plan_image"),
    path(
        "<slug:slug>/mesures/<measure_number:number>/",
        plan_views.measure_detail,
        name="measure_detail",
    ),
]
