"""Materials URLs, included into the `applications` namespace under the applications prefix."""

from django.urls import path

from . import views_materials

urlpatterns = [
    path("<int:pk>/materials/", views_materials.materials, name="materials"),
    path("<int:pk>/materials/<int:material_pk>/delete/", views_materials.material_delete, name="material_delete"),
    path("<int:pk>/materials/<int:material_pk>/download/", views_materials.material_download, name="material_download"),
]
