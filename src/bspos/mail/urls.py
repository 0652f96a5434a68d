from django.urls import path

from bspos.mail import views

app_name = "mail"
urlpatterns = [
    path("", views.message_list, name="list"),
    path("sent/", views.outbound_list, name="outbound"),
    path("sent/<int:pk>/resend/", views.outbound_resend, name="resend"),
    path("<int:pk>/", views.message_detail, name="detail"),
    path("<int:pk>/raw/", views.message_raw, name="raw"),
    path("<int:pk>/<str:action>/", views.triage, name="triage"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
]
