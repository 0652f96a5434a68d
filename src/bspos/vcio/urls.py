from django.urls import path

from bspos.vcio import approval_views, views, work_views

app_name = "vcio"
urlpatterns = [
    path("", views.assessment_list, name="list"),
    path("new/", views.assessment_new, name="new"),
    path("assessments/<id:pk>/", views.assessment_detail, name="assessment"),
    path("assessments/<id:pk>/suggest/", views.suggest, name="suggest"),
    path("assessments/<id:pk>/history/", views.assessment_history, name="history"),
    path("assessments/<id:pk>/answers/<str:question>/review/", views.review_answer, name="review"),
    path("evidence/<id:pk>/", views.evidence_download, name="evidence"),
    path("evidence/<id:pk>/remove/", views.evidence_remove, name="evidence-remove"),
    path("assessments/<id:pk>/<str:action>/", views.assessment_action, name="action"),
    path("clients/<id:client_id>/roadmap/", views.roadmap, name="roadmap"),
    path("clients/<id:client_id>/roadmap.pdf", views.roadmap_pdf, name="roadmap-pdf"),
    path("clients/<id:client_id>/matrix/", views.responsibility_matrix, name="matrix"),
    path("clients/<id:client_id>/matrix.csv", views.matrix_csv, name="matrix-csv"),
    # client approvals (approval_views)
    path("clients/<id:client_id>/approval-links/", approval_views.approval_new, name="approval-new"),
    path("approval-links/<id:pk>/withdraw/", approval_views.approval_revoke, name="approval-revoke"),
    # findings to work (work_views)
    path("roadmap-items/<id:pk>/ticket/", work_views.item_ticket, name="item-ticket"),
    path("roadmap-items/<id:pk>/project/", work_views.item_project, name="item-project"),
    path("roadmap-items/<id:pk>/done/", work_views.item_done, name="item-done"),
    path("assessments/<id:pk>/answers/<str:question>/ticket/", work_views.answer_ticket, name="answer-ticket"),
    path("tickets/<id:number>/panel/", work_views.ticket_panel, name="ticket-panel"),
    path("service-map/", views.service_map, name="service-map"),
]
