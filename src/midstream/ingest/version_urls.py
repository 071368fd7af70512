"""Version pages: diff between versions, corrections download."""

from django.urls import path

from midstream.ingest import version_views

urlpatterns: list = [
    path("submissions/<int:pk>/diff/", version_views.submission_diff, name="submission_diff"),
    path(
        "submissions/<int:pk>/corrections/",
        version_views.submission_corrections,
        name="submission_corrections",
    ),
]
