"""How a record belongs to a cooperative, found from the model itself: the lookup path over
forward foreign keys (e.g. 'budget__budget_round__cooperative'). Used to scope the admin
and the audit trail to one cooperative."""

from django.db import models

SKIPPED = {"history_user", "supersedes", "reverses"}


def path_to(model: type[models.Model], target: type[models.Model], depth: int = 4) -> str | None:
    """Breadth-first over forward foreign keys from `model` to `target`."""
    frontier = [(model, "")]
    for _ in range(depth):
        found = []
        for current, prefix in frontier:
            for field in current._meta.get_fields():
                if not (field.many_to_one or field.one_to_one) or not field.concrete:
                    continue
                if field.name in SKIPPED:
                    continue
                path = f"{prefix}{field.name}"
                if field.related_model is target:
                    return path
                found.append((field.related_model, f"{path}__"))
        frontier = found
    return None


def cooperative_path(model: type[models.Model]) -> str | None:
    from .models import Cooperative

    return "pk" if model is Cooperative else path_to(model, Cooperative)
