from django.urls import path

from bspos.documentation import views

app_name = "documentation"
urlpatterns = [
    path("expiring/", views.expiring_page, name="expiring"),
    path("types/", views.record_types, name="record_types"),
    path("types/new/", views.record_type_edit, name="record_type_new"),
    path("types/<id:pk>/", views.record_type_edit, name="record_type_edit"),
    path("clients/<id:client_pk>/", views.client_documentation, name="client"),
    path("certificates/<id:pk>/check/", views.check_now, name="check"),
    path("relations/add/", views.relation_add, name="relation_add"),
    path("relations/<id:pk>/remove/", views.relation_remove, name="relation_remove"),
    path("<slug:kind>/", views.kind_list, name="list"),
    path("<slug:kind>/new/", views.edit, name="new"),
    path("<slug:kind>/<id:pk>/", views.detail, name="detail"),
    path("<slug:kind>/<id:pk>/edit/", views.edit, name="edit"),
    path("<slug:kind>/<id:pk>/delete/", views.delete, name="delete"),
]
