from django.urls import path

from bspos.agreements import views

app_name = "agreements"
urlpatterns = [
    path("", views.agreement_list, name="list"),
    path("<int:pk>/", views.agreement_edit, name="edit"),
]
