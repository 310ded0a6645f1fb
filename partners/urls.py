from django.urls import path

from partners import views

app_name = "partners"
urlpatterns = [
    path("<slug:slug>/", views.table_detail, name="table_detail"),
]
