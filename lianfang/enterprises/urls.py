from django.urls import path

from . import views

app_name = "enterprises"
urlpatterns = [
    path("", views.index, name="index"),
    path("problems/", views.problems, name="problems"),
    path("problems/new/", views.problem_new, name="problem_new"),
    path("problems/<int:pk>/close/", views.problem_close, name="problem_close"),
    path("resources/", views.resources, name="resources"),
    path("resources/<int:pk>/dispatch/", views.dispatch, name="dispatch"),
    path("task-forces/", views.task_forces, name="task_forces"),
    path("task-forces/<int:pk>/", views.task_force, name="task_force"),
    path(
        "task-forces/<int:pk>/members/<int:member_pk>/remove/",
        views.task_force_member_remove,
        name="task_force_member_remove",
    ),
    path(
        "task-forces/<int:pk>/enterprises/<int:unit_pk>/remove/",
        views.task_force_enterprise_remove,
        name="task_force_enterprise_remove",
    ),
    path("instructors/", views.instructors, name="instructors"),
    path("visits/new/", views.visit_new, name="visit_new"),
]
