from django.urls import path

from bspos.leadership import views

app_name = "leadership"
urlpatterns = [
    path("hats/", views.hats, name="hats"),
    path("hats/defaults/", views.hats_defaults, name="hats-defaults"),
    path("hats/new/", views.hat_save, name="hat-new"),
    path("hats/<id:pk>/", views.hat_save, name="hat-save"),
    path("metrics/new/", views.metric_add, name="metric-new"),
    path("hats/<id:pk>/delete/", views.hat_delete, name="hat-delete"),
    path("metrics/<id:pk>/", views.metric_save, name="metric-save"),
    path("metrics/<id:pk>/delete/", views.metric_delete, name="metric-delete"),
    path("metrics/<id:pk>/enter/", views.metric_enter, name="metric-enter"),
    path("issues/raise/", views.issue_raise, name="issue-raise"),
    path("scorecard/", views.scorecard, name="scorecard"),
    path("meetings/", views.meetings, name="meetings"),
    path("meetings/new/", views.meeting_new, name="meeting-new"),
    path("meetings/<id:pk>/", views.meeting, name="meeting"),
    path("meetings/<id:pk>/minutes.pdf", views.minutes, name="minutes"),
    path("meetings/<id:pk>/minutes/email/", views.minutes_email, name="minutes-email"),
    path("meetings/<id:pk>/<slug:action>/", views.meeting_act, name="meeting-act"),
    path("decisions/", views.decisions, name="decisions"),
    path("conversations/", views.conversations, name="conversations"),
    path("conversations/<id:pk>/", views.conversation, name="conversation"),
    path("plan/", views.plan, name="plan"),
    path("plan/<int:year>/", views.plan, name="plan-year"),
    path("plan/<int:year>/rocks/", views.rock_add, name="rock-add"),
    path("plan/<int:year>/goals/", views.goal_add, name="goal-add"),
    path("plan/<int:year>/q<int:quarter>/close/", views.quarter_close, name="quarter-close"),
    path("plan/<int:year>/plan.pdf", views.plan_pdf, name="plan-pdf"),
    path("rocks/<id:pk>/", views.rock_update, name="rock-update"),
    path("rocks/<id:pk>/delete/", views.rock_delete, name="rock-delete"),
    path("goals/<id:pk>/", views.goal_save, name="goal-save"),
    path("goals/<id:pk>/delete/", views.goal_delete, name="goal-delete"),
]
