from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "cooperatie.people"
    label = "people"
    verbose_name = _("Mensen")

    def ready(self):
        from django.contrib.auth.models import update_last_login
        from django.contrib.auth.signals import user_logged_in

        # Signing in writes last_login; that is not a change worth a history row.
        user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")
        user_logged_in.connect(_last_login_without_history, dispatch_uid="people_last_login")
        from . import mail  # noqa: F401  (registers the invitation and reset e-mails)
        from .middleware import on_sign_in

        user_logged_in.connect(on_sign_in, dispatch_uid="people_two_factor_rule")


def _last_login_without_history(sender, user, **kwargs):
    from django.contrib.auth.models import update_last_login

    user.skip_history_when_saving = True
    try:
        update_last_login(sender, user, **kwargs)
    finally:
        del user.skip_history_when_saving
