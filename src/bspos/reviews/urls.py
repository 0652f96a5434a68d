from django.urls import path

from bspos.reviews import views

app_name = "reviews"
urlpatterns = [
    path("", views.cadence, name="cadence"),
    path("<int:pk>/", views.review_detail, name="review"),
    path("<int:pk>/report.pdf", views.report_pdf, name="pdf"),
    path("<int:pk>/invite.ics", views.invite_ics, name="ics"),
    path("<int:pk>/<str:action>/", views.review_action, name="action"),
    path("clients/<int:client_id>/", views.client_reviews, name="client"),
    path("recommendations/<int:pk>/", views.recommendation_edit, name="recommendation"),
    path("recommendations/<int:pk>/decide/", views.recommendation_decide, name="decide"),
    path("recommendations/<int:pk>/delete/", views.recommendation_delete, name="recommendation-delete"),
    path("steps/<int:pk>/done/", views.step_done, name="step-done"),
]
