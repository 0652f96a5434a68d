from django.urls import path

from bspos.portal import views
from bspos.vcio import views as vcio_views

app_name = "portal"
urlpatterns = [
    path("", views.ticket_list, name="tickets"),
    path("new/", views.ticket_new, name="new"),
    path("<int:number>/", views.ticket_detail, name="ticket"),
    path("<int:number>/reply/", views.reply, name="reply"),
    path("it-plan/", vcio_views.portal_plan, name="it-plan"),
]
