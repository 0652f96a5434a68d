from django.urls import path

from bspos.assets import views

app_name = "assets"
urlpatterns = [
    path("", views.asset_list, name="list"),
    path("new/", views.asset_new, name="new"),
    path("export.csv", views.asset_export, name="export"),
    path("<id:pk>/", views.asset_detail, name="detail"),
    path("<id:pk>/edit/", views.asset_edit, name="edit"),
    path("<id:pk>/retire/", views.asset_retire, name="retire"),
    path("<id:pk>/delete/", views.asset_delete, name="delete"),
]
