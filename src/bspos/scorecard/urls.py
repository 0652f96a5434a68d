from django.urls import path

from bspos.scorecard import views

app_name = "scorecard"
urlpatterns = [
    path("", views.owner, name="owner"),
    path("funnel/", views.funnel, name="funnel"),
    path("funnel/<id:pk>/<str:action>/", views.opportunity_action, name="opportunity"),
    path("readiness/", views.readiness, name="readiness"),
    path("readiness/<id:pk>/", views.readiness_run, name="readiness-run"),
]
