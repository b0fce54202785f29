from django.urls import path

from . import views

app_name = "notices"
urlpatterns = [
    path("", views.notice_index, name="index"),
    path("new/", views.notice_new, name="new"),
    path("<int:pk>/", views.notice_detail, name="detail"),
    path("<int:pk>/acknowledge/", views.notice_acknowledge_view, name="acknowledge"),
    path("<int:pk>/remind/", views.notice_remind_view, name="remind"),
    path("<int:pk>/files/<uuid:file_id>/", views.notice_attachment, name="attachment"),
]
