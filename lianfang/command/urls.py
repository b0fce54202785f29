from django.urls import path

from . import views

app_name = "command"
urlpatterns = [
    path("figures/", views.figures, name="figures"),
    path("figures/<str:key>/", views.figure_rows, name="figure-rows"),
    path("bulletins/", views.bulletins, name="bulletins"),
    path("bulletins/<int:pk>/", views.bulletin, name="bulletin"),
    path("bulletins/<int:pk>/edit/", views.bulletin_edit, name="bulletin-edit"),
    path("bulletins/<int:pk>/submit/", views.bulletin_submit, name="bulletin-submit"),
    path("bulletins/<int:pk>/return/", views.bulletin_return, name="bulletin-return"),
    path("bulletins/<int:pk>/sign/", views.bulletin_sign, name="bulletin-sign"),
    path("bulletins/<int:pk>/discard/", views.bulletin_discard, name="bulletin-discard"),
    path("bulletins/<int:pk>/figures/<int:token>/", views.bulletin_figure, name="bulletin-figure"),
    path("bulletins/<int:pk>/export/<str:fmt>/", views.bulletin_export, name="bulletin-export"),
    path("bulletins/<int:pk>/print/", views.bulletin_print, name="bulletin-print"),
]
