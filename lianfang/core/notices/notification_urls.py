from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_index, name="index"),
    path("bell/", views.notification_bell, name="bell"),
    path("read/", views.notification_read, name="read"),
    path("<int:pk>/", views.notification_open, name="open"),
]
