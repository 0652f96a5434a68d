from django.urls import path

from bspos.projects import views

app_name = "projects"
urlpatterns = [
    path("", views.project_list, name="list"),
    path("new/", views.project_new, name="new"),
    path("templates/", views.template_list, name="templates"),
    path("client/<id:client_pk>/", views.client_projects, name="client"),
    path("<id:pk>/", views.project_detail, name="detail"),
    path("<id:pk>/edit/", views.project_edit, name="edit"),
    path("<id:pk>/delete/", views.project_delete, name="delete"),
    path("<id:pk>/phases/", views.phase_add, name="phase-add"),
    path("<id:pk>/tasks/", views.task_add, name="task-add"),
    path("<id:pk>/milestones/", views.milestone_add, name="milestone-add"),
    path("phases/<id:pk>/delete/", views.phase_delete, name="phase-delete"),
    path("tasks/<id:pk>/", views.task_detail, name="task"),
    path("tasks/<id:pk>/edit/", views.task_edit, name="task-edit"),
    path("tasks/<id:pk>/status/", views.task_status, name="task-status"),
    path("tasks/<id:pk>/delete/", views.task_delete, name="task-delete"),
    path("milestones/<id:pk>/reached/", views.milestone_reached, name="milestone-reached"),
    path("milestones/<id:pk>/reopen/", views.milestone_reopen, name="milestone-reopen"),
    path("milestones/<id:pk>/delete/", views.milestone_delete, name="milestone-delete"),
]
