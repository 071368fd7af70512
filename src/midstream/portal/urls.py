from django.urls import path

from midstream.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("upload/", views.upload, name="upload"),
    path("calendar/", views.compliance_calendar, name="compliance"),
]
