"""The agreement pages under /agreements/ (namespace "agreements"), served by money: see agreement_views."""

from django.urls import path

from bspos.money import agreement_views

app_name = "agreements"
urlpatterns = [
    path("", agreement_views.agreement_list, name="list"),
    path("export.csv", agreement_views.agreement_csv, name="export"),
    path("<id:pk>/", agreement_views.agreement_edit, name="edit"),
]
