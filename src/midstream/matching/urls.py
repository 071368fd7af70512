from django.urls import path

from midstream.matching import parts_views, views

app_name = "matching"
urlpatterns = [
    path("settings/", views.settings_view, name="settings"),
    path("review/", views.review_list, name="review_list"),
    path("review/<int:pk>/", views.review_detail, name="review_detail"),
    path("review/decisions/<int:pk>/undo/", views.review_undo, name="review_undo"),
    path("parts/", parts_views.part_list, name="part_list"),
    path("parts/<int:pk>/", parts_views.part_detail, name="part_detail"),
]
