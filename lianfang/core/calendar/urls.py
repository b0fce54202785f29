from django.urls import path

from . import views

app_name = "calendar"
urlpatterns = [
    path("", views.calendar_index, name="index"),
    path("days/<int:pk>/remove/", views.calendar_day_remove, name="day-remove"),
    path("terms/<int:pk>/remove/", views.school_term_remove, name="term-remove"),
    path("epidemic/", views.epidemic_index, name="epidemic"),
    path("epidemic/<int:pk>/end/", views.epidemic_period_end, name="epidemic-end"),
]
