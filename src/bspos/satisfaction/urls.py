from django.urls import path

from bspos.satisfaction import views

app_name = "satisfaction"
urlpatterns = [
    path("", views.results, name="results"),
]
