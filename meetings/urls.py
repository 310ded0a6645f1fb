from django.urls import path

from meetings import poll_views, views

app_name = "meetings"
urlpatterns = [
    path("reponse/<str:token>/", views.answer, name="answer"),
    path("agenda/<str:token>.ics", views.feed, name="feed"),
    path("documents/<int:pk>/", views.document_download, name="document"),
    path("suivis/<int:pk>/fait/", views.followup_done, name="followup_done"),
    path("sondage/<str:token>/", poll_views.poll_answer, name="poll_answer"),
]
