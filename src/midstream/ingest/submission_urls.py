"""Submission pages: list, detail, upload, progress (filled in by the submissions work)."""

urlpatterns: list = []
