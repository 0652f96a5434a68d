from django.urls import path

from bspos.money import views

app_name = "money"
urlpatterns = [
    path("invoices/", views.invoice_list, name="invoices"),
    path("invoices/export.csv", views.invoice_csv, name="csv"),
    path("invoices/<id:pk>/", views.invoice_detail, name="invoice"),
    path("invoices/<id:pk>/pdf/", views.invoice_pdf, name="pdf"),
    path("invoices/<id:pk>/<str:action>/", views.invoice_action, name="invoice-action"),
    path("billing/run/", views.billing_run, name="run"),
    path("billing/issue/", views.issue_month, name="issue-month"),
    path("reconciliation/", views.reconciliation, name="reconciliation"),
    path("margins/", views.margins, name="margins"),
    path("clients/<id:pk>/<str:action>/", views.client_costs, name="client-costs"),
    path("settings/", views.billing_settings, name="settings"),
]
