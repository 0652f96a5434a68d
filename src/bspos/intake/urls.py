from django.urls import path

from bspos.intake import views

app_name = "intake"
urlpatterns = [
    path("", views.alert_list, name="alerts"),
    path("alerts/<id:pk>/assign/", views.alert_assign, name="assign"),
    path("sources/", views.source_list, name="sources"),
    path("sources/new/", views.source_new, name="source-new"),
    path("sources/<id:pk>/<str:action>/", views.source_action, name="source-action"),
    path("webhooks/", views.webhook_list, name="webhooks"),
    path("webhooks/new/", views.subscription_new, name="subscription-new"),
    path("webhooks/<id:pk>/<str:action>/", views.subscription_action, name="subscription-action"),
    path("deliveries/<id:pk>/", views.delivery_detail, name="delivery"),
    path("deliveries/<id:pk>/resend/", views.delivery_resend, name="delivery-resend"),
]
