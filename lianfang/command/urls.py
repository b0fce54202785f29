from django.urls import path

from . import views

app_name = "command"
urlpatterns = [
    path("figures/", views.figures, name="figures"),
    path("figures/<str:key>/", views.figure_rows, name="figure-rows"),
]
