from django.urls import path

from midstream.catalog import views

app_name = "catalog"
urlpatterns = [
    path("", views.product_list, name="product_list"),
    path("new/", views.product_create, name="product_create"),
    path("<int:pk>/", views.product_detail, name="product_detail"),
    path("<int:pk>/edit/", views.product_edit, name="product_edit"),
    path("<int:pk>/price/", views.product_price, name="product_price"),
    path("<int:pk>/conversions/", views.product_conversion_set, name="product_conversion_set"),
    path(
        "<int:pk>/conversions/<str:unit>/remove/",
        views.product_conversion_remove,
        name="product_conversion_remove",
    ),
    path("families/", views.family_list, name="family_list"),
    path("families/new/", views.family_create, name="family_create"),
    path("families/<int:pk>/", views.family_detail, name="family_detail"),
    path("families/<int:pk>/edit/", views.family_edit, name="family_edit"),
    path("part-numbers/", views.part_number_list, name="part_number_list"),
    path("part-numbers/new/", views.part_number_create, name="part_number_create"),
    path("part-numbers/<int:pk>/remove/", views.part_number_remove, name="part_number_remove"),
]
