from django.urls import path

from bspos.mail import views

app_name = "mail"
urlpatterns = [
    path("", views.message_list, name="list"),
    path("mailbox/", views.mailbox, name="mailbox"),
    path("sent/", views.outbound_list, name="outbound"),
    path("sent/<id:pk>/", views.outbound_detail, name="outbound_detail"),
    path("sent/<id:pk>/resend/", views.outbound_resend, name="resend"),
    path("<id:pk>/", views.message_detail, name="detail"),
    path("<id:pk>/raw/", views.message_raw, name="raw"),
    path("<id:pk>/<str:action>/", views.triage, name="triage"),
    path("attachments/<id:pk>/", views.attachment, name="attachment"),
]
