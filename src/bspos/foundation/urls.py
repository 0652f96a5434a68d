from django.urls import path

from bspos.foundation import views

app_name = "foundation"
urlpatterns = [
    path("", views.team, name="team"),
    path("team/<slug:action>/", views.team_write, name="team-write"),
    path("values/<id:pk>/", views.value_edit, name="value-edit"),
    path("measures/<id:pk>/", views.measure_edit, name="measure-edit"),
    path("icp/", views.icps, name="icps"),
    path("icp/<id:pk>/", views.icps, name="icp"),
    path("solutions/", views.solutions, name="solutions"),
    path("solutions/<id:pk>/", views.solutions, name="solution"),
    path("legal/", views.legal, name="legal"),
    path("legal/<slug:action>/", views.legal_write, name="legal-write"),
    path("legal/versions/<id:pk>/review/", views.version_review, name="version-review"),
    path("checklist/", views.checklist, name="checklist"),
]
