"""Notifications: by e-mail (sent by the Celery worker after the transaction commits, once)
and in the product (the inbox); each person chooses per kind: at once, a daily digest, or off."""
