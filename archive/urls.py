from django.urls import path, re_path

from . import views

app_name = "archive"

urlpatterns = [
    path("exports/", views.export, name="export"),
    path("exports/<int:pk>/", views.export_job, name="export-job"),
    path("exports/<int:pk>/download/", views.export_download, name="export-download"),
    path("exports/<int:pk>/retry/", views.export_retry, name="export-retry"),
    path("me/", views.my_archive, name="mine"),
    path("people/<int:pk>/", views.person_archive, name="person"),
    re_path(
        r"^people/(?P<pk>\d+)/sheet/(?P<period>\d{4}(?:Q[1-4])?)\.(?P<fmt>pdf|xlsx)$",
        views.person_sheet,
        name="person-sheet",
    ),
]
