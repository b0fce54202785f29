from django.urls import path

from . import views

app_name = "ledgers"
urlpatterns = [
    path("", views.import_page, name="import"),
    path("errors.xlsx", views.error_report, name="errors"),
    path("template/<str:kind>.xlsx", views.template, name="template"),
    path("export/<str:kind>.xlsx", views.export, name="export"),
    path("export/<str:kind>/full.xlsx", views.export_unmasked, name="export-full"),
]
