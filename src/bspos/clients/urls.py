from django.urls import path

from bspos.clients import views

app_name = "clients"
urlpatterns = [
    path("", views.client_list, name="list"),
    path("export.csv", views.client_export, name="export"),
    path("contacts/export.csv", views.contact_export, name="contacts_export"),
    path("<id:pk>/", views.client_detail, name="detail"),
]
