import logging
import smtplib
from datetime import timedelta

from celery import shared_task
from django.db.models import F
from django.utils import timezone

from .models import Mail

log = logging.getLogger(__name__)
RETRIES = 5


@shared_task(bind=True, acks_late=True, max_retries=RETRIES)
def send_mail(self, mail_id: int) -> str:
    """Send one e-mail of the outbox, at most once: the row is claimed (pending → sending)
    by one conditional update, so a redelivered message or a second worker finds nothing."""
    from .mail import deliver

    claimed = Mail.objects.filter(pk=mail_id, status=Mail.Status.PENDING).update(
        status=Mail.Status.SENDING, attempts=F("attempts") + 1)
    if not claimed:
        return "skipped"
    mail = Mail.objects.select_related("user").get(pk=mail_id)
    try:
        deliver(mail)
    except (smtplib.SMTPException, OSError) as exc:
        # Not sent (the server refused or could not be reached): try again later.
        final = mail.attempts >= RETRIES
        Mail.objects.filter(pk=mail_id).update(
            status=Mail.Status.FAILED if final else Mail.Status.PENDING, error=str(exc)[:2000])
        if final:
            log.error("mail %s failed after %s attempts: %s", mail.key, mail.attempts, exc)
            return "failed"
        raise self.retry(exc=exc, countdown=30 * 2 ** mail.attempts) from exc
    except Exception as exc:  # a bug in rendering: never retried into a loop
        Mail.objects.filter(pk=mail_id).update(status=Mail.Status.FAILED, error=repr(exc)[:2000])
        log.exception("mail %s could not be rendered", mail.key)
        return "failed"
    Mail.objects.filter(pk=mail_id).update(status=Mail.Status.SENT, sent_at=timezone.now(),
                                           error="")
    return "sent"


def requeue_stale(now=None) -> int:
    """Mails still pending long after they were queued lost their message (a broker restart):
    queue them again. One still 'sending' after an hour is given up, never sent twice."""
    now = now or timezone.now()
    Mail.objects.filter(status=Mail.Status.SENDING,
                        created_at__lt=now - timedelta(hours=1)).update(
        status=Mail.Status.FAILED, error="worker stopped while sending")
    stale = list(Mail.objects.filter(status=Mail.Status.PENDING,
                                     created_at__lt=now - timedelta(minutes=15),
                                     attempts=0).values_list("pk", flat=True))
    for pk in stale:
        send_mail.delay(pk)
    return len(stale)


@shared_task
def hourly() -> dict:
    """Beat, every hour: reminders before deadlines, votes closing within a day, the digest."""
    from . import schedule

    return schedule.run(timezone.now())
