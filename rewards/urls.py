from django.urls import path

from . import bonus_views, views

app_name = "rewards"

urlpatterns = [
    path("", views.record_list, name="record-list"),
    path("new/", views.record_create, name="record-create"),
    path("people/", views.person_search, name="person-search"),
    path("<int:pk>/", views.record_detail, name="record-detail"),
    path("<int:pk>/evidence/", views.record_evidence, name="record-evidence"),
    path("bonus/", bonus_views.pool_list, name="bonus-pools"),
    path("bonus/rules/", bonus_views.rule_list, name="bonus-rules"),
    path("bonus/rules/edit/", bonus_views.rule_edit, name="bonus-rule-edit"),
    path("bonus/summary/", bonus_views.summary, name="bonus-summary"),
    path("bonus/units/<int:unit_pk>/new/", bonus_views.pool_create, name="bonus-pool-create"),
    path("bonus/<int:pk>/", bonus_views.pool_detail, name="bonus-pool"),
    path("bonus/<int:pk>/edit/", bonus_views.pool_edit, name="bonus-pool-edit"),
    path("bonus/<int:pk>/simulate/", bonus_views.pool_simulate, name="bonus-simulate"),
    path("bonus/<int:pk>/lock/", bonus_views.pool_lock, name="bonus-lock"),
    path("bonus/<int:pk>/unlock/", bonus_views.pool_unlock, name="bonus-unlock"),
    path("bonus/<int:pk>/export.xlsx", bonus_views.pool_export, name="bonus-export"),
]
