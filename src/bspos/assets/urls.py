from django.urls import path

from bspos.assets import views

app_name = "assets"
urlpatterns = [
    path("", views.asset_list, name="list"),
    path("export.csv", views.asset_export, name="export"),
    path("<id:pk>/", views.asset_detail, name="detail"),
]
