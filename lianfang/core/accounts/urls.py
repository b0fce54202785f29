from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("otp/", views.otp_verify, name="otp"),
    path("otp/enrol/", views.otp_enrol, name="otp-enrol"),
    path("recovery-codes/", views.recovery_codes_new, name="recovery-codes"),
    path("recover/", views.recover, name="recover"),
    path("password/first/", views.password_first, name="password-first"),
]
