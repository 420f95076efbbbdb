"""Included under /poses/ before the pose library's own URLs (studio/urls.py)."""

from django.urls import path

from exchange import views

app_name = "exchange"

urlpatterns = [
    path("<slug:slug>.json", views.pose_json, name="pose_json"),
]
