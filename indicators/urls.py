from django.urls import path

from . import views

app_name = "indicators"

urlpatterns = [
    path("systems/", views.system_list, name="system-list"),
    path("systems/<int:pk>/", views.system_edit, name="system-edit"),
    path("units/<int:unit_pk>/weights/", views.unit_weights, name="unit-weights"),
    path("units/<int:unit_pk>/scores/", views.unit_scores, name="unit-scores"),
    path("scores/mine/", views.my_scores, name="my-scores"),
    path("scores/<int:person_pk>/<str:quarter>/", views.score_detail, name="score-detail"),
    path("ratings/", views.rating_list, name="rating-list"),
    path("ratings/<int:person_pk>/<str:quarter>/", views.rating_edit, name="rating-edit"),
    path("attendance/import/", views.attendance_import, name="attendance-import"),
    path("negative/import/", views.negative_import, name="negative-import"),
    path("imports/<int:pk>/", views.import_detail, name="import-detail"),
    path("imports/<int:pk>/confirm/", views.import_confirm, name="import-confirm"),
    path("negative/", views.negative_units, name="negative-units"),
    path("negative/units/<int:unit_pk>/", views.negative_unit, name="negative-unit"),
    path("negative/new/", views.negative_create, name="negative-create"),
    path("negative/people/", views.negative_person_search, name="negative-person-search"),
    path("negative/<int:pk>/", views.negative_detail, name="negative-detail"),
    path("negative/<int:pk>/evidence/", views.negative_evidence, name="negative-evidence"),
    path("negative/<int:pk>/revoke/", views.negative_revoke, name="negative-revoke"),
]
