from django.urls import path

from meetings import poll_views, views

app_name = "meetings"
urlpatterns = [
    path("reponse/<str:token>/", views.answer, name="answer"),
    path("sondage/<str:token>/", poll_views.poll_answer, name="poll_answer"),
]
