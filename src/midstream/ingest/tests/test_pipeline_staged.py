"""The pipeline's tests again, on SQLite's staged path (``midstream.ingest.staging``).

A sell-through CSV's facts go through a scratch file only outside a caller's transaction, and
pytest-django runs a test in one unless it asks for a transactional database. Collected here
with that mark, the same tests drive the staged path; on PostgreSQL they would only repeat
``test_pipeline``, so they are skipped there.
"""

import pytest
from django.db import connection

from midstream.ingest.tests.test_pipeline import *  # noqa: F403 (the tests, collected again)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "sqlite", reason="the staged path is SQLite's (test_pipeline)"
    ),
]
