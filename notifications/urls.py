from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<int:pk>/read/", views.notification_read, name="read"),
    path("read-all/", views.notification_read_all, name="read-all"),
    path("preferences/", views.preferences, name="preferences"),
    path("channels/", views.channel_list, name="channel-list"),
    path("channels/new/", views.channel_create, name="channel-create"),
    path("channels/<int:pk>/", views.channel_edit, name="channel-edit"),
    path("channels/<int:pk>/test/", views.channel_test, name="channel-test"),
    path("deliveries/<int:pk>/retry/", views.delivery_retry, name="delivery-retry"),
]
