from django.urls import path

from . import views

app_name = "roster"

urlpatterns = [
    path("org/roster/", views.roster_upload, name="upload"),
    path("org/roster/template.xlsx", views.roster_template, name="template"),
    path("org/roster/<int:pk>/", views.roster_detail, name="detail"),
    path("org/roster/<int:pk>/confirm/", views.roster_confirm, name="confirm"),
    path("org/accounts/", views.accounts, name="accounts"),
    path(
        "org/people/<int:pk>/password-reset/",
        views.person_password_reset,
        name="person-password-reset",
    ),
    path("security/password-reset/", views.account_password_reset, name="password-reset"),
]
