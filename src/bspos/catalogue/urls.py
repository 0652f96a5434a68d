from django.urls import path

from bspos.catalogue import views

app_name = "catalogue"
urlpatterns = [path("", views.catalogue, name="index")]
