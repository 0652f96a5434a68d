from django.urls import path

from bspos.knowledge import views

app_name = "knowledge"
urlpatterns = [
    path("", views.index, name="index"),
    path("articles/", views.article_list, name="articles"),
    path("articles/new/", views.article_edit, name="new"),
    path("articles/<id:pk>/", views.article_detail, name="article"),
    path("articles/<id:pk>/edit/", views.article_edit, name="edit"),
    path("articles/<id:pk>/history/", views.article_history, name="history"),
    path("articles/<id:pk>/restore/", views.article_restore, name="restore"),
    path("tickets/<id:number>/panel/", views.ticket_panel, name="ticket-panel"),
    path("tickets/<id:number>/<str:action>/", views.ticket_link, name="ticket-link"),
    path("problems/", views.problem_list, name="problems"),
    path("problems/new/", views.problem_edit, name="problem-new"),
    path("problems/recurring/", views.recurring, name="recurring"),
    path("problems/<id:pk>/", views.problem_detail, name="problem"),
    path("problems/<id:pk>/edit/", views.problem_edit, name="problem-edit"),
    path("problems/<id:pk>/<str:action>/", views.problem_action, name="problem-action"),
    path("checklists/", views.checklists, name="checklists"),
    path("checklists/start/", views.run_start, name="run-start"),
    path("checklists/runs/<id:pk>/", views.run_detail, name="run"),
    path("checklists/items/<id:pk>/", views.item_update, name="item"),
    path("search/", views.search_page, name="search"),
    path("portal/", views.portal_list, name="portal"),
    path("portal/<id:pk>/", views.portal_article, name="portal-article"),
]
