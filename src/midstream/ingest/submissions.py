"""Receiving distributor reports: store the file, recognise repeats, queue the processing.

``submit_report`` is the one entry point for every source (portal, vendor UI, API, CLI, drop
folder, demo). It keeps the original file under ``MEDIA_ROOT/submissions/`` by its SHA-256,
creates a ``Submission`` in status ``received`` and queues ``tasks.ingest_submission``, which
runs ``pipeline.process_submission`` in a worker (``midstream worker``).

- The same content for the same distributor and report kind, while an earlier copy is
  committed, still being processed or waiting for a review, is recorded as a ``duplicate``
  of it and never processed, so it is never counted twice.
- An ``idempotency_key`` (the API's ``Idempotency-Key`` header) returns the submission first
  created with that key; the same key with a different file is a conflict.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from midstream.accounts.permissions import Perm, has_perm, is_distributor_user
from midstream.core.audit import record_audit
from midstream.core.errors import ConflictError, DomainError, PermissionDeniedError
from midstream.ingest.choices import (
    OPEN_STATUSES,
    WAITING_STATUSES,
    ProfileKind,
    Stage,
    SubmissionSource,
    SubmissionStatus,
)
from midstream.ingest.errors import ErrorCode
from midstream.ingest.models import Submission
from midstream.partners.models import Distributor

CHUNK = 1024 * 1024
MAX_KEY = 100


class FileTooLarge(DomainError):
    status = 413


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    size: int
    relative_path: str


def submissions_root() -> Path:
    return Path(settings.MEDIA_ROOT) / "submissions"


def stored_file_path(submission: Submission) -> Path:
    return submissions_root() / submission.stored_path


def read_stored_file(submission: Submission) -> bytes:
    return stored_file_path(submission).read_bytes()


def store_file(*, content: bytes | None = None, path: Path | None = None) -> StoredFile:
    """Copy the upload into the content-addressed store; the same bytes are stored once."""
    if (content is None) == (path is None):
        raise ValueError("give content or path")
    root = submissions_root()
    root.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    handle, temp_name = tempfile.mkstemp(dir=root, prefix=".upload-")
    try:
        with os.fdopen(handle, "wb") as out:
            if content is not None:
                digest.update(content)
                out.write(content)
                size = len(content)
            else:
                with open(path, "rb") as source:
                    while chunk := source.read(CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
                        size += len(chunk)
        sha = digest.hexdigest()
        relative = f"{sha[:2]}/{sha}"
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            os.unlink(temp_name)
        else:
            os.replace(temp_name, target)
    except BaseException:
        if os.path.exists(temp_name):
            os.unlink(temp_name)
        raise
    return StoredFile(sha256=sha, size=size, relative_path=relative)


def _file_size(content: bytes | None, path: Path | None) -> int:
    return len(content) if content is not None else os.path.getsize(path)


def check_submitter(actor, distributor: Distributor) -> None:
    """Vendor staff with the permission for any distributor; distributor users for their own.

    ``actor`` ``None`` is the system (CLI without --user, demo loader, drop folder).
    """
    if actor is None:
        return
    if not has_perm(actor, Perm.SUBMIT_REPORTS):
        raise PermissionDeniedError("Your role may not submit reports.")
    if is_distributor_user(actor) and actor.distributor_id != distributor.pk:
        raise PermissionDeniedError("You may submit reports only for your own distributor.")


def submit_report(
    *,
    actor,
    distributor: Distributor,
    kind: str,
    file_name: str,
    source: str,
    content: bytes | None = None,
    path: Path | None = None,
    period_start: date | None = None,
    period_end: date | None = None,
    sheet: str = "",
    idempotency_key: str = "",
    max_bytes: int | None = None,
    enqueue: bool = True,
) -> Submission:
    """Receive one report file (``content`` or a ``path`` to stream from) and queue it.

    ``max_bytes`` bounds the size (pages and the API pass ``settings.MAX_UPLOAD_BYTES``; the
    CLI passes none). ``period_start``/``period_end`` are optional: without them the period is
    taken from the file (its header, else the months its lines fall in). Returns the new
    submission, the existing one for a repeated ``idempotency_key``, or a ``duplicate``
    submission pointing at the copy already counted. ``enqueue=False`` leaves the processing
    to the caller (``pipeline.process_submission``).
    """
    check_submitter(actor, distributor)
    if kind not in ProfileKind.values:
        raise DomainError(ErrorCode.INVALID_VALUE, "kind: sell_through or inventory.", field="kind")
    if source not in SubmissionSource.values:
        raise DomainError(ErrorCode.INVALID_VALUE, "Unknown source.", field="source")
    if len(idempotency_key) > MAX_KEY:
        raise DomainError(
            ErrorCode.INVALID_VALUE,
            f"The Idempotency-Key may have at most {MAX_KEY} characters.",
            field="idempotency_key",
        )
    if (period_start is None) != (period_end is None) or (
        period_start and period_end and period_start > period_end
    ):
        raise DomainError(
            ErrorCode.INVALID_PERIOD, "Give both period dates, start before end.", field="period"
        )
    name = Path(file_name or "upload").name[:255] or "upload"
    size = _file_size(content, path)
    if size == 0:
        raise DomainError(ErrorCode.EMPTY_FILE, f"{name}: the file is empty.", field="file")
    if max_bytes is not None and size > max_bytes:
        raise FileTooLarge(
            ErrorCode.FILE_TOO_LARGE,
            f"{name}: {size:,} bytes is over the limit of {max_bytes:,} bytes.",
            field="file",
        )
    stored = store_file(content=content, path=path)
    with transaction.atomic():
        # One distributor at a time: repeats and keys are decided without a race.
        Distributor.objects.unscoped().select_for_update().filter(pk=distributor.pk).first()
        scoped = Submission.objects.for_distributor(distributor.pk)
        if idempotency_key:
            earlier = scoped.filter(idempotency_key=idempotency_key).first()
            if earlier is not None:
                if earlier.content_sha256 != stored.sha256 or earlier.kind != kind:
                    raise ConflictError(
                        ErrorCode.IDEMPOTENCY_CONFLICT,
                        "This Idempotency-Key was used for a different file.",
                        field="idempotency_key",
                    )
                return earlier
        counted = (
            scoped.filter(
                kind=kind,
                content_sha256=stored.sha256,
                status__in=(SubmissionStatus.COMMITTED, *OPEN_STATUSES, *WAITING_STATUSES),
            )
            .order_by("-submitted_at", "-id")
            .first()
        )
        now = timezone.now()
        submission = Submission.objects.unscoped().create(
            distributor=distributor,
            kind=kind,
            period_start=period_start,
            period_end=period_end,
            source=source,
            file_name=name,
            file_size=stored.size,
            content_sha256=stored.sha256,
            stored_path=stored.relative_path,
            sheet=sheet[:100],
            submitted_by=actor if getattr(actor, "pk", None) else None,
            submitted_at=now,
            idempotency_key=idempotency_key,
        )
        if counted is not None:
            submission.status = SubmissionStatus.DUPLICATE
            submission.stage = Stage.DONE
            submission.duplicate_of = counted
            submission.finished_at = now
            submission.period_start = counted.period_start
            submission.period_end = counted.period_end
            submission.save()
        record_audit(
            actor=actor,
            action="submission.receive",
            obj=submission,
            distributor_id=distributor.pk,
            changes={
                "file_name": [None, name],
                "kind": [None, kind],
                "source": [None, source],
                "content_sha256": [None, stored.sha256],
                "status": [None, submission.status],
            },
        )
        if counted is None and enqueue:
            queue(submission)
    return submission


def queue(submission: Submission) -> None:
    """Queue the processing once the surrounding transaction commits."""
    from midstream.ingest.tasks import ingest_submission

    pk = submission.pk
    transaction.on_commit(lambda: ingest_submission.enqueue(pk))


def retry_submission(*, actor, submission: Submission, enqueue: bool = True) -> Submission:
    """Queue a failed submission again (a crash or a stopped worker left it failed or open)."""
    check_submitter(actor, submission.distributor)
    with transaction.atomic():
        locked = Submission.objects.unscoped().select_for_update().get(pk=submission.pk)
        if locked.status not in (SubmissionStatus.FAILED, *OPEN_STATUSES):
            raise ConflictError(
                ErrorCode.NOT_RETRYABLE,
                f"A {locked.get_status_display().lower()} submission cannot be retried.",
            )
        before = locked.status
        locked.status = SubmissionStatus.RECEIVED
        locked.stage = Stage.QUEUED
        locked.lines_processed = 0
        locked.failure = ""
        locked.save(update_fields=["status", "stage", "lines_processed", "failure"])
        record_audit(
            actor=actor,
            action="submission.retry",
            obj=locked,
            distributor_id=locked.distributor_id,
            changes={"status": [before, locked.status]},
        )
        if enqueue:
            queue(locked)
    return locked
