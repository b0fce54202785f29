from django.urls import path

from . import views

app_name = "duties"
urlpatterns = [
    path("", views.missing_index, name="missing"),
    path("remind/", views.remind, name="remind"),
    path("subjects/<int:pk>/exempt/", views.exempt, name="exempt"),
]
