from django.urls import path

from . import views

app_name = "work"

urlpatterns = [
    path("logs/", views.log_list, name="log-list"),
    path("logs/new/", views.log_create, name="log-create"),
    path("logs/team/", views.team_logs, name="team-logs"),
    path("logs/review/", views.log_review_queue, name="log-review-queue"),
    path("logs/review/bulk/", views.log_bulk_approve, name="log-bulk-approve"),
    path("logs/<int:pk>/", views.log_detail, name="log-detail"),
    path("logs/<int:pk>/edit/", views.log_edit, name="log-edit"),
    path("logs/<int:pk>/review/", views.log_review, name="log-review"),
    path("logs/<int:pk>/comment/", views.log_comment, name="log-comment"),
    path("logs/attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("goals/", views.goal_plan, name="goal-plan"),
    path("goals/review/", views.goal_review_queue, name="goal-review-queue"),
    path("goals/<int:pk>/", views.goal_detail, name="goal-detail"),
    path("goals/<int:pk>/add/", views.goal_add, name="goal-add"),
    path("goals/<int:pk>/submit/", views.goal_submit, name="goal-submit"),
    path("goals/<int:pk>/review/", views.goal_review, name="goal-review"),
    path("goals/<int:pk>/reopen/", views.goal_reopen, name="goal-reopen"),
    path("goals/items/<int:pk>/edit/", views.goal_edit, name="goal-edit"),
    path("goals/items/<int:pk>/delete/", views.goal_delete, name="goal-delete"),
]
