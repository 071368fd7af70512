from django.urls import path

from midstream.ingest import submission_urls, version_urls, views

app_name = "ingest"
urlpatterns = [
    path("mapping-profiles/", views.profile_list, name="profile_list"),
    path("mapping-profiles/new/", views.profile_create, name="profile_create"),
    path("mapping-profiles/suggest/", views.profile_suggest, name="profile_suggest"),
    path("mapping-profiles/<int:pk>/", views.profile_detail, name="profile_detail"),
    path("mapping-profiles/<int:pk>/edit/", views.profile_update, name="profile_update"),
]
# Submissions and uploads (submission_urls), version diffs and corrections files (version_urls).
urlpatterns += submission_urls.urlpatterns + version_urls.urlpatterns
