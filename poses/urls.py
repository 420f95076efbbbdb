from django.urls import path

from poses import views
from poses.figure_views import pose_figure_png

app_name = "poses"

urlpatterns = [
    path("", views.PoseListView.as_view(), name="list"),
    path("search/left/", views.search_left, name="search_left"),
    path("<slug:slug>/", views.PoseDetailView.as_view(), name="detail"),
    path("<slug:slug>/figure.png", pose_figure_png, name="figure_png"),
]
