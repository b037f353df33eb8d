from django.contrib.auth.password_validation import MinimumLengthValidator
from django.utils.translation import ngettext


class MinimumLength(MinimumLengthValidator):
    """Django's rule with a message Django's Dutch catalogue lacks since 5.2 (its text
    changed), so that a short password is refused in Dutch too."""

    def get_error_message(self):
        return ngettext("Dit wachtwoord is te kort: gebruik minstens %(n)d teken.",
                        "Dit wachtwoord is te kort: gebruik minstens %(n)d tekens.",
                        self.min_length) % {"n": self.min_length}
