from django.urls import path

from bspos.clients import views

app_name = "clients"
urlpatterns = [
    path("", views.client_list, name="list"),
    path("new/", views.client_new, name="new"),
    path("export.csv", views.client_export, name="export"),
    path("contacts/export.csv", views.contact_export, name="contacts_export"),
    path("<id:pk>/", views.client_detail, name="detail"),
    path("<id:pk>/edit/", views.client_edit, name="edit"),
    path("<id:pk>/status/", views.client_status, name="status"),
    path("<id:pk>/contacts/new/", views.contact_new, name="contact_new"),
    path("<id:pk>/sites/new/", views.site_new, name="site_new"),
    path("contacts/<id:pk>/", views.contact_edit, name="contact"),
    path("contacts/<id:pk>/active/", views.contact_active, name="contact_active"),
    path("contacts/<id:pk>/portal/", views.contact_portal, name="contact_portal"),
    path("sites/<id:pk>/", views.site_edit, name="site"),
]
