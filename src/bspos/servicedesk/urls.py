from django.urls import path

from bspos.servicedesk import views

app_name = "servicedesk"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("tickets/", views.queue, name="queue"),
    path("tickets/export.csv", views.export, name="export"),
    path("tickets/new/", views.ticket_new, name="ticket_new"),
    path("tickets/new/pickers/", views.pickers, name="pickers"),
    path("tickets/bulk/", views.bulk, name="bulk"),
    path("tickets/<id:number>/", views.ticket_detail, name="ticket"),
    path("tickets/<id:number>/reply/", views.reply, name="reply"),
    path("tickets/<id:number>/cc/", views.change_cc, name="cc"),
    path("tickets/<id:number>/take/", views.take, name="take"),
    path("tickets/<id:number>/contact/", views.change_contact, name="contact"),
    path("tickets/<id:number>/canned/", views.canned_insert, name="canned_insert"),
    path("tickets/<id:number>/status/", views.change_status, name="status"),
    path("tickets/<id:number>/priority/", views.change_priority, name="priority"),
    path("tickets/<id:number>/assign/", views.assign, name="assign"),
    path("tickets/<id:number>/escalate/", views.escalate, name="escalate"),
    path("tickets/<id:number>/scope/", views.toggle_scope, name="scope"),
    path("tickets/<id:number>/asset/", views.link_asset, name="asset"),
    path("tickets/<id:number>/agreement/", views.change_agreement, name="agreement"),
    path("tickets/<id:number>/timer/", views.timer, name="timer"),
    path("attachments/<id:pk>/", views.attachment, name="attachment"),
    path("canned/", views.canned, name="canned"),
    path("canned/<id:pk>/", views.canned_edit, name="canned_edit"),
    path("canned/<id:pk>/delete/", views.canned_delete, name="canned_delete"),
    path("time/<id:pk>/", views.time_entry, name="time_entry"),
    path("tasks/<id:pk>/time/", views.task_time, name="task-time"),
    path("time/<id:pk>/delete/", views.time_entry_delete, name="time_entry_delete"),
]
