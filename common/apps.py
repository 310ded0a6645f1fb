from django.apps import AppConfig


class CommonConfig(AppConfig):
    """Helpers every app uses (formats, uploads, file responses, the admin's scoping); it
    imports no app of the project."""

    name = "common"
