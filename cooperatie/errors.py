"""Validation errors as plain Dutch lines that say what is wrong and where."""

from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.utils.text import capfirst


def error_lines(exc: ValidationError, model=None) -> list[str]:
    if not hasattr(exc, "error_dict"):
        return list(exc.messages)
    lines = []
    for field, messages in exc.message_dict.items():
        label = _label(model, field)
        lines += [f"{label}: {m}" if label else m for m in messages]
    return lines


def _label(model, field: str) -> str:
    if field == NON_FIELD_ERRORS:
        return ""
    if model is None:
        return field
    try:
        return capfirst(model._meta.get_field(field).verbose_name)
    except FieldDoesNotExist:
        return field
