"""The portal's upload page: a distributor user uploads only for its own distributor."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_tasks import default_task_backend

from midstream.accounts.choices import Role
from midstream.ingest.models import Submission

pytestmark = pytest.mark.django_db

HOME = reverse("portal:home")
PORTAL_UPLOAD = reverse("portal:upload")
UPLOAD = reverse("ingest:submission_upload")
CSV = b"Invoice,Date,SKU,Qty\nINV-1,2025-01-20,SW-24P,3\n"


@pytest.fixture(autouse=True)
def quiet_queue(settings, tmp_path):
    """Files go to a temporary media root; queued tasks are recorded, never run."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()
    yield
    default_task_backend.clear()


def _file(name: str = "alpha-jan.csv", content: bytes = CSV) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


def test_portal_home_links_to_the_upload_and_the_reports(client_for, dist_a):
    body = client_for(Role.DISTRIBUTOR_USER).get(HOME).content.decode()
    assert f'href="{PORTAL_UPLOAD}"' in body
    assert f'href="{reverse("ingest:submission_list")}"' in body


def test_portal_upload_is_always_for_the_users_own_distributor(client_for, dist_a, dist_b):
    client = client_for(Role.DISTRIBUTOR_ADMIN)
    page = client.get(PORTAL_UPLOAD)
    assert page.status_code == 200
    assert "distributor" not in page.context["form"].fields

    response = client.post(
        PORTAL_UPLOAD,
        {"distributor": dist_b.pk, "file": _file(), "kind": "inventory", "sheet": "Stock"},
    )

    submission = Submission.objects.unscoped().get()
    assert response["Location"] == reverse("ingest:submission_detail", args=[submission.pk])
    assert submission.distributor == dist_a
    assert (submission.source, submission.kind, submission.sheet) == (
        "portal",
        "inventory",
        "Stock",
    )
    assert submission.period_start is None


def test_portal_upload_over_the_limit_names_the_file_and_the_limit(client_for, dist_a, settings):
    settings.MAX_UPLOAD_BYTES = 10
    response = client_for(Role.DISTRIBUTOR_USER).post(
        PORTAL_UPLOAD, {"file": _file("stock.csv"), "kind": "inventory"}
    )
    assert response.status_code == 200
    message = f"stock.csv: {len(CSV)} bytes is over the upload limit of 10 bytes."
    assert message in response.content.decode()
    assert not Submission.objects.unscoped().exists()


def test_portal_upload_sends_vendor_staff_to_the_vendor_page(client_for):
    assert client_for(Role.CHANNEL_MANAGER).get(PORTAL_UPLOAD)["Location"] == UPLOAD
    assert client_for(Role.FINANCE).get(PORTAL_UPLOAD).status_code == 403
