from celery import shared_task


@shared_task
def close_due_proposals() -> list[str]:
    """Run by Celery beat (every DEADLINE_CHECK_SECONDS): close the proposals whose deadline
    has passed and record their decisions. Returns the decision numbers."""
    from .services import close_due

    return [decision.number for decision in close_due()]
