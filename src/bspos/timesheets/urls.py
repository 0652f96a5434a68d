"""Time sheets and their approval (my week, submit, approve)."""
from django.urls import path

from bspos.timesheets import views

app_name = "timesheets"
urlpatterns = [
    path("", views.week, name="week"),
    path("entries/new/", views.entry_add, name="entry-add"),
    path("entries/<id:pk>/", views.entry_edit, name="entry"),
    path("entries/<id:pk>/delete/", views.entry_delete, name="entry-delete"),
    path("submit/", views.submit, name="submit"),
    path("approvals/", views.approvals, name="approvals"),
    path("sheets/<id:pk>/approve/", views.decide, {"action": "approve"}, name="approve"),
    path("sheets/<id:pk>/return/", views.decide, {"action": "return"}, name="return"),
    path("categories/", views.categories, name="categories"),
    path("categories/<id:pk>/delete/", views.category_delete, name="category-delete"),
]
