from django.urls import path

from bspos.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.upload, name="upload"),
    path("runs/<id:pk>/", views.run_detail, name="run"),
    path("runs/<id:pk>/apply/", views.apply, name="apply"),
]
