from django.urls import path

from sequences import views

app_name = "sequences"

urlpatterns = [
    path("", views.SequenceListView.as_view(), name="list"),
    path("<slug:slug>/", views.SequenceDetailView.as_view(), name="detail"),
    path("<slug:slug>/practise/", views.SequencePractiseView.as_view(), name="practise"),
]
