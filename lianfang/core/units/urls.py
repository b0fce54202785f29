from django.urls import path

from . import views

app_name = "units"
urlpatterns = [
    path("", views.unit_index, name="index"),
    path("new/", views.unit_edit, name="new"),
    path("<int:pk>/", views.unit_detail, name="detail"),
    path("<int:pk>/edit/", views.unit_edit, name="edit"),
]
