from django.urls import path

from . import views

app_name = "volunteers"
urlpatterns = [
    path("", views.volunteer_index, name="index"),
    path("new/", views.volunteer_new, name="new"),
    path("<int:pk>/", views.volunteer_detail, name="detail"),
    path("<int:pk>/edit/", views.volunteer_edit, name="edit"),
    path("tasks/", views.task_index, name="tasks"),
    path("tasks/new/", views.task_new, name="task_new"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),
    path("tasks/<int:pk>/dispatch/", views.task_dispatch, name="dispatch"),
    path("tasks/<int:pk>/sign-up/", views.task_sign_up, name="sign_up"),
    path("tasks/<int:pk>/transition/", views.task_transition, name="transition"),
    path("shifts/<int:pk>/check-in/", views.shift_check_in, name="check_in"),
    path("shifts/<int:pk>/check-out/", views.shift_check_out, name="check_out"),
    path("shifts/<int:pk>/hours/", views.shift_hours, name="hours"),
    path("shifts/<int:pk>/withdraw/", views.shift_withdraw, name="withdraw"),
    path("ledger/", views.ledger, name="ledger"),
    path("ledger/export/", views.ledger_export, name="export"),
]
