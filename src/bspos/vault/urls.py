from django.urls import path

from bspos.vault import views

app_name = "vault"
urlpatterns = [
    path("", views.credential_list, name="list"),
    path("new/", views.credential_edit, name="new"),
    path("rotation/", views.rotation_report, name="rotation"),
    path("offboarding/", views.offboarding_report, name="offboarding"),
    path("import/", views.import_page, name="import"),
    path("s/<str:token>/", views.shared_secret, name="shared"),
    path("shares/<id:pk>/revoke/", views.share_revoke, name="share-revoke"),
    path("<id:pk>/", views.credential_detail, name="detail"),
    path("<id:pk>/edit/", views.credential_edit, name="edit"),
    path("<id:pk>/delete/", views.credential_delete, name="delete"),
    path("<id:pk>/reveal/", views.reveal_secret, name="reveal"),
    path("<id:pk>/copied/", views.copied, name="copied"),
    path("<id:pk>/totp/", views.totp, name="totp"),
    path("<id:pk>/rotated/", views.rotated, name="rotated"),
    path("<id:pk>/share/", views.share_create, name="share"),
]
