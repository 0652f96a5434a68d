from django.urls import path

from bspos.reviews import views

app_name = "reviews"
urlpatterns = [
    path("", views.cadence, name="cadence"),
    path("<id:pk>/", views.review_detail, name="review"),
    path("<id:pk>/report.pdf", views.report_pdf, name="pdf"),
    path("<id:pk>/invite.ics", views.invite_ics, name="ics"),
    path("<id:pk>/<str:action>/", views.review_action, name="action"),
    path("clients/<id:client_id>/", views.client_reviews, name="client"),
    path("recommendations/<id:pk>/", views.recommendation_edit, name="recommendation"),
    path("recommendations/<id:pk>/decide/", views.recommendation_decide, name="decide"),
    path("recommendations/<id:pk>/project/", views.recommendation_project, name="recommendation-project"),
    path("recommendations/<id:pk>/delete/", views.recommendation_delete, name="recommendation-delete"),
    path("steps/<id:pk>/done/", views.step_done, name="step-done"),
]
