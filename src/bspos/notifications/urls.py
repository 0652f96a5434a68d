from django.urls import path

from bspos.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("bell/", views.bell, name="bell"),
    path("read-all/", views.read_all, name="read-all"),
    path("preferences/", views.preferences, name="preferences"),
    path("<id:pk>/read/", views.read, name="read"),
    path("tickets/<id:number>/watch/", views.watch, name="watch"),
]
