from django.urls import path

from . import views

app_name = "schools"
urlpatterns = [
    path("", views.index, name="index"),
    path("check-in/", views.teacher_checkin, name="teacher_checkin"),
    path("<int:pk>/", views.school, name="school"),
    path("<int:pk>/classes/new/", views.class_new, name="class_new"),
    path("classes/<int:pk>/", views.class_page, name="class"),
    path("classes/<int:pk>/check-in/", views.class_checkin, name="class_checkin"),
    path("classes/<int:pk>/enrol/", views.enrol, name="enrol"),
    path("classes/<int:pk>/checks/<slug:session>/", views.morning_check, name="morning_check"),
    path("classes/<int:pk>/gaps/new/", views.gap_new, name="gap_new"),
    path("gaps/<int:pk>/aids/new/", views.aid_new, name="aid_new"),
    path("gaps/<int:pk>/solved/", views.gap_solve, name="gap_solve"),
    path("aids/<int:pk>/returned/", views.aid_return, name="aid_return"),
    path("classes/<int:pk>/visits/new/", views.visit_new, name="visit_new"),
    path("lessons/", views.lessons, name="lessons"),
    path("lessons/export/", views.lessons_export, name="lessons_export"),
    path("<int:pk>/lessons/new/", views.lesson_new, name="lesson_new"),
    path("lessons/<int:pk>/improve/", views.lesson_improve, name="lesson_improve"),
    path("alerts/<int:pk>/", views.alert, name="alert"),
    path("absences/", views.absences, name="absences"),
    path("absences/<int:pk>/", views.absence, name="absence"),
    path("absences/<int:pk>/certificate/", views.absence_certificate, name="absence_certificate"),
    path("absences/<int:pk>/<slug:step>/", views.absence_step, name="absence_step"),
    # The guardians' page: public (no account), the class's signed link of the day.
    path("guardian/<str:token>/", views.guardian_page, name="guardian"),
]
