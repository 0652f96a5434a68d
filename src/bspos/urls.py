from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from bspos.api.urls import api
from bspos.core import views as core_views
from bspos.vcio import views as vcio_views

admin.site.site_header = "bspos back office"
admin.site.site_title = "bspos"

urlpatterns = [
    path("", core_views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("health/", core_views.health, name="health"),
    path("desk/", include("bspos.servicedesk.urls")),
    path("clients/", include("bspos.clients.urls")),
    path("assets/", include("bspos.assets.urls")),
    path("portal/", include("bspos.portal.urls")),
    path("money/", include("bspos.money.urls")),
    path("owner/", include("bspos.scorecard.urls")),
    path("vcio/", include("bspos.vcio.urls")),
    path("reviews/", include("bspos.reviews.urls")),
    path("knowledge/", include("bspos.knowledge.urls")),
    path("intake/", include("bspos.intake.urls")),
    path("mail/", include("bspos.mail.urls")),
    path("imports/", include("bspos.imports.urls")),
    path("q/<str:token>/", vcio_views.questionnaire, name="questionnaire"),
    path("agreements/", include("bspos.agreements.urls")),
    path("catalogue/", include("bspos.catalogue.urls")),
    path("account/", include("bspos.people.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
