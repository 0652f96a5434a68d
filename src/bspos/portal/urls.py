from django.urls import path

from bspos.portal import views
from bspos.reviews import plan_views
from bspos.reviews import views as review_views
from bspos.vcio import approval_views
from bspos.vcio import views as vcio_views

app_name = "portal"
urlpatterns = [
    path("", views.ticket_list, name="tickets"),
    path("new/", views.ticket_new, name="new"),
    path("<id:number>/", views.ticket_detail, name="ticket"),
    path("<id:number>/reply/", views.reply, name="reply"),
    path("attachments/<id:pk>/", views.attachment, name="attachment"),
    path("it-plan/", vcio_views.portal_plan, name="it-plan"),
    path("documentation/", views.documentation, name="documentation"),
    path("it-plan/forecast/", plan_views.portal_forecast, name="it-plan-forecast"),
    path("it-plan/forecast.pdf", plan_views.portal_forecast_pdf, name="it-plan-forecast-pdf"),
    path("it-plan/approvals/", approval_views.portal_approvals, name="it-plan-approvals"),
    path("reviews/", review_views.portal_list, name="reviews"),
    path("reviews/<id:pk>/", review_views.portal_report, name="review"),
    path("reviews/<id:pk>/report.pdf", review_views.portal_pdf, name="review-pdf"),
]
