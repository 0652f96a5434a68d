from django.urls import path

from bspos.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.ticket_list, name="tickets"),
    path("new/", views.ticket_new, name="new"),
    path("<int:number>/", views.ticket_detail, name="ticket"),
    path("<int:number>/reply/", views.reply, name="reply"),
]
