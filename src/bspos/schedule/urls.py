"""The dispatch board: schedule entries by technician, conflicts, and iCalendar feeds."""

from django.urls import path

from bspos.schedule import views

app_name = "schedule"
urlpatterns = [
    path("", views.board, name="board"),
    path("hours/", views.hours, name="hours"),
    path("entries/new/", views.entry_new, name="entry-new"),
    path("entries/<id:pk>/", views.entry_detail, name="entry"),
    path("entries/<id:pk>/move/", views.move, name="move"),
    path("entries/<id:pk>/delete/", views.entry_delete, name="entry-delete"),
    path("entries/<id:pk>/email/", views.entry_email, name="entry-email"),
    path("tickets/<id:number>/panel/", views.ticket_panel, name="ticket-panel"),
    path("tickets/<id:number>/entries/", views.ticket_entry_new, name="ticket-entries"),
    path("tasks/<id:pk>/panel/", views.task_panel, name="task-panel"),
    path("tasks/<id:pk>/entries/", views.task_entry_new, name="task-entries"),
    path("feed/", views.feed_settings, name="feed-settings"),
    path("feed/<str:token>.ics", views.feed, name="feed"),
]
