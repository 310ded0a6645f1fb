from django.urls import path

from meetings import views

app_name = "meetings"
urlpatterns = [
    path("reponse/<str:token>/", views.answer, name="answer"),
]
