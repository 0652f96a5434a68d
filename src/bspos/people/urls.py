from django.urls import path

from bspos.people import views

app_name = "people"
urlpatterns = [
    path("", views.profile, name="profile"),
    path("confirm/", views.confirm, name="confirm"),
    path("two-factor/", views.two_factor_page, name="two_factor"),
]
