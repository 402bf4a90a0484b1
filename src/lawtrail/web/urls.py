from django.contrib.auth import views as auth_views
from django.urls import path

from lawtrail.core.accounts import views as account_views

from . import views

app_name = "web"

urlpatterns = [
    path("", views.portal, name="portal"),
    path("backoffice/", views.home, name="home"),
    path("backoffice/notifications/", views.notifications, name="notifications"),
    path("backoffice/notifications/read/", views.notifications_read, name="notifications-read"),
    path("backoffice/notifications/<int:pk>/open/", views.notification_open, name="notification-open"),
    path("login/", account_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
