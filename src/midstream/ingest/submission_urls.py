"""Submission pages: list, upload, detail, original file, progress (JSON), retry; error
policies. The version diff and corrections pages are in ``version_urls``."""

from django.urls import path

from midstream.ingest import submission_views as views

urlpatterns: list = [
    path("submissions/", views.submission_list, name="submission_list"),
    path("submissions/upload/", views.submission_upload, name="submission_upload"),
    path("submissions/<int:pk>/", views.submission_detail, name="submission_detail"),
    path("submissions/<int:pk>/file/", views.submission_file, name="submission_file"),
    path("submissions/<int:pk>/progress/", views.submission_progress, name="submission_progress"),
    path("submissions/<int:pk>/retry/", views.submission_retry, name="submission_retry"),
    path("error-policies/", views.error_policy_list, name="error_policy_list"),
    path("error-policies/<int:pk>/edit/", views.error_policy_edit, name="error_policy_edit"),
]
