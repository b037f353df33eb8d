"""Writes that always record who did it and why (django-simple-history)."""

from django.db import models


def save_recorded(obj: models.Model, *, actor, reason: str, validate: bool = True):
    """Validate, then save with the acting user and the reason in the object's history."""
    if validate:
        obj.full_clean()
    obj._history_user = actor
    obj._change_reason = reason
    obj.save()
    return obj


def create_recorded(model: type[models.Model], *, actor, reason: str, **fields):
    return save_recorded(model(**fields), actor=actor, reason=reason)
