from django.urls import path

from activities import views

app_name = "activities"
urlpatterns = [
    path("", views.activity_list, name="list"),
    path("nouvelle/", views.activity_create, name="create"),
    path("revision/", views.review_queue, name="review_queue"),
    path("export/<slug:slug>.csv", views.activities_export, name="export"),
    path("<int:pk>/", views.activity_detail, name="detail"),
    path("<int:pk>/modifier/", views.activity_update, name="update"),
    path("<int:pk>/soumettre/", views.activity_submit, name="submit"),
    path("<int:pk>/approuver/", views.activity_approve, name="approve"),
    path("<int:pk>/renvoyer/", views.activity_return, name="return"),
    path("<int:pk>/supprimer/", views.activity_delete, name="delete"),
    path("<int:pk>/pieces/<int:attachment_pk>/", views.attachment_download, name="attachment"),
]
