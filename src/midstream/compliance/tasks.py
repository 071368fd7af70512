"""The compliance job as a background task (queued by the workers' periodic scheduler)."""

from django.utils import timezone
from django_tasks import task


@task()
def compliance_job() -> str:
    """Recompute every distributor's calendar, statuses and scores as of today, then send
    the reminders due today; returns what it did in one line."""
    from midstream.compliance.jobs import JOB_NAME, describe, record_finished, run_cycle

    summary, reminders = run_cycle(actor=None, as_of=timezone.localdate(), send=True)
    result = describe(summary, reminders)
    record_finished(JOB_NAME, result)
    return result
