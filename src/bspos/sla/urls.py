from django.urls import path

from bspos.sla import views

app_name = "sla"
urlpatterns = [
    path("", views.plan_list, name="plans"),
    path("new/", views.plan_new, name="plan-new"),
    path("<id:pk>/", views.plan_detail, name="plan"),
    path("<id:pk>/delete/", views.plan_delete, name="plan-delete"),
    path("<id:pk>/rules/", views.rule_new, name="rule-new"),
    path("<id:pk>/rules/<id:rule_pk>/", views.rule_edit, name="rule"),
    path("<id:pk>/rules/<id:rule_pk>/delete/", views.rule_delete, name="rule-delete"),
]
