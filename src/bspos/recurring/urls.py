from django.urls import path

from bspos.recurring import views

app_name = "recurring"
urlpatterns = [
    path("", views.template_list, name="list"),
    path("new/", views.template_edit, name="new"),
    path("<id:pk>/", views.template_detail, name="detail"),
    path("<id:pk>/edit/", views.template_edit, name="edit"),
    path("<id:pk>/pause/", views.template_pause, name="pause"),
    path("<id:pk>/resume/", views.template_resume, name="resume"),
    path("<id:pk>/end/", views.template_end, name="end"),
]
