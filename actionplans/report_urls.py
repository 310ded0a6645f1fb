from django.urls import path

from actionplans import report_views as views

app_name = "reports"
urlpatterns = [
    path("", views.report_list, name="list"),
    path("nouvelle/", views.report_create, name="create"),
    path("revision/", views.review_queue, name="review_queue"),
    path("export/<slug:slug>.csv", views.reports_export, name="export"),
    path("<int:pk>/", views.report_detail, name="detail"),
    path("<int:pk>/modifier/", views.report_update, name="update"),
    path("<int:pk>/soumettre/", views.report_submit, name="submit"),
    path("<int:pk>/approuver/", views.report_approve, name="approve"),
    path("<int:pk>/renvoyer/", views.report_return, name="return"),
    path("<int:pk>/supprimer/", views.report_delete, name="delete"),
    path("<int:pk>/pieces/<int:attachment_pk>/", views.attachment_download, name="attachment"),
]
