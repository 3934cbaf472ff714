from django.urls import path

from . import views

app_name = "assessment"

urlpatterns = [
    path("org/units/", views.unit_list, name="unit-list"),
    path("org/units/<int:pk>/", views.unit_detail, name="unit-detail"),
    path("org/units/<int:unit_pk>/people/new/", views.person_create, name="person-create"),
    path("org/units/<int:unit_pk>/sections/new/", views.section_create, name="section-create"),
    path("org/units/<int:unit_pk>/roles/grant/", views.role_grant, name="role-grant"),
    path("org/people/<int:pk>/edit/", views.person_edit, name="person-edit"),
    path("org/people/<int:pk>/deactivate/", views.person_deactivate, name="person-deactivate"),
    path("org/roles/<int:pk>/revoke/", views.role_revoke, name="role-revoke"),
    path("audit/", views.audit_log, name="audit-log"),
    path("security/lockouts/", views.lockouts, name="lockouts"),
    path("calendar/", views.calendar_home, name="calendar-home"),
    path("calendar/<int:region_pk>/<year:year>/", views.calendar_year, name="calendar"),
    path("calendar/days/<int:pk>/remove/", views.calendar_day_remove, name="calendar-remove"),
]
