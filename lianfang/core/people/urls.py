from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("", views.person_index, name="index"),
    path("new/", views.person_edit, name="new"),
    path("<int:pk>/", views.person_detail, name="detail"),
    path("<int:pk>/edit/", views.person_edit, name="edit"),
    path("<int:pk>/withdraw/", views.person_withdraw_view, name="withdraw"),
    path("pending/", views.pending_index, name="pending"),
    path("pending/<int:pk>/confirm/", views.pending_confirm, name="pending-confirm"),
    path("pending/<int:pk>/return/", views.pending_return, name="pending-return"),
]
