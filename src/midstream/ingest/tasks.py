"""Background tasks of report intake, run by ``midstream worker`` (django-tasks, database queue)."""

from django_tasks import task


@task()
def ingest_submission(submission_id: int) -> str:
    """Process one received submission; returns its final status."""
    from midstream.ingest.pipeline import process_submission

    return process_submission(submission_id).status
