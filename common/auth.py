from allauth.account.auth_backends import AuthenticationBackend


class EmailBackend(AuthenticationBackend):
    """allauth's login by e-mail. It grants no permission of its own: permissions come only
    from the apps' rule books (``rules.py``), through the rules backend."""

    def get_user_permissions(self, user_obj, obj=None):
        return set()

    def get_group_permissions(self, user_obj, obj=None):
        return set()
