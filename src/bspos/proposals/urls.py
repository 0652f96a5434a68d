from django.urls import path

from bspos.proposals import views

app_name = "proposals"
urlpatterns = [
    path("", views.proposals, name="list"),
    path("new/", views.new, name="new"),
    path("<id:pk>/", views.detail, name="detail"),
    path("<id:pk>/proposal.pdf", views.pdf, name="pdf"),
    path("<id:pk>/<slug:action>/", views.act, name="act"),
]
