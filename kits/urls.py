from django.urls import path

from kits import views

app_name = "kits"
urlpatterns = [
    path("", views.kit_list, name="list"),
    path("suivi/<slug:table_slug>/", views.adoption_matrix, name="matrix"),
    path("suivi/<slug:table_slug>.xlsx", views.adoption_matrix_xlsx, name="matrix_xlsx"),
    path("<slug:slug>.zip", views.kit_zip, name="zip"),
    path("<slug:slug>/", views.kit_detail, name="detail"),
    path("<slug:slug>/fichiers/<int:asset_pk>/", views.asset_download, name="asset"),
    path("<slug:slug>/<slug:municipality>/", views.kit_personalised, name="personalised"),
    path("<slug:slug>/<slug:municipality>/adoption/", views.adoption_update, name="adoption"),
]
