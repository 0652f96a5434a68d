from django.urls import path

from bspos.reviews import plan_views, views

app_name = "reviews"
urlpatterns = [
    path("", views.cadence, name="cadence"),
    path("<id:pk>/", views.review_detail, name="review"),
    path("<id:pk>/report.pdf", views.report_pdf, name="pdf"),
    path("<id:pk>/invite.ics", views.invite_ics, name="ics"),
    path("<id:pk>/<str:action>/", views.review_action, name="action"),
    path("clients/<id:client_id>/", views.client_reviews, name="client"),
    path("clients/<id:client_id>/lifecycle/", plan_views.lifecycle, name="lifecycle"),
    path("clients/<id:client_id>/forecast/", plan_views.forecast, name="forecast"),
    path("clients/<id:client_id>/forecast.pdf", plan_views.forecast_pdf, name="forecast-pdf"),
    path("clients/<id:client_id>/summary/", plan_views.summary_page, name="summary"),
    path("clients/<id:client_id>/summary.pdf", plan_views.summary_pdf, name="summary-pdf"),
    path("clients/<id:client_id>/summary/send/", plan_views.summary_action, name="summary-action"),
    path("recommendations/<id:pk>/", views.recommendation_edit, name="recommendation"),
    path("recommendations/<id:pk>/decide/", views.recommendation_decide, name="decide"),
    path("recommendations/<id:pk>/project/", views.recommendation_project, name="recommendation-project"),
    path("recommendations/<id:pk>/delete/", views.recommendation_delete, name="recommendation-delete"),
    path("steps/<id:pk>/done/", views.step_done, name="step-done"),
]
