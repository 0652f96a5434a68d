from django.urls import path

from bspos.people import views

app_name = "people"
urlpatterns = [
    path("", views.profile, name="profile"),
    path("confirm/", views.confirm, name="confirm"),
]
