"""The account page's API tokens, under /account/ (the REST API itself is mounted in the project's urls.py)."""

from django.urls import path

from bspos.api import views

app_name = "api"
urlpatterns = [
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<id:token_id>/revoke/", views.revoke, name="revoke-token"),
]
