from django.urls import path

from . import views

app_name = "cases"
urlpatterns = [
    path("", views.case_index, name="index"),
    path("mine/", views.case_mine, name="mine"),
    path("reported/", views.case_reported, name="reported"),
    path("new/", views.case_report_view, name="new"),
    path("export/", views.case_export_view, name="export"),
    path("bulk/", views.case_bulk_view, name="bulk"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/accept/", views.case_accept_view, name="accept"),
    path("<int:pk>/transition/", views.case_transition_view, name="transition"),
    path("<int:pk>/assign/", views.case_assign_view, name="assign"),
    path("<int:pk>/edit/", views.case_edit_view, name="edit"),
    path("<int:pk>/comment/", views.case_comment_view, name="comment"),
    path("<int:pk>/attach/", views.case_attach_view, name="attach"),
    path("<int:pk>/files/<uuid:file_id>/", views.case_file, name="file"),
]
