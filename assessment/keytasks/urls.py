from django.urls import path

from . import views

app_name = "keytasks"

urlpatterns = [
    path("", views.task_list, name="task-list"),
    path("new/", views.task_create, name="task-create"),
    path("supervision/", views.supervision, name="supervision"),
    path("home-card/", views.home_card, name="home-card"),
    path("<int:pk>/", views.task_detail, name="task-detail"),
    path("<int:pk>/decompose/", views.task_decompose, name="task-decompose"),
    path("<int:pk>/progress/", views.task_progress, name="task-progress"),
    path("<int:pk>/notes/", views.note_send, name="note-send"),
    path("notes/<int:pk>/read/", views.note_read, name="note-read"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment-download"),
]
