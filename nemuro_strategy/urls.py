from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from nemuro_strategy.ops.health import healthz
from nemuro_strategy.pages import urls as page_urls
from strategy import urls as strategy_urls

admin.site.site_header = "根室市創生総合戦略 管理"
admin.site.site_title = "根室市創生総合戦略"
admin.site.index_title = "データ管理"

urlpatterns = [
    path("admin/", admin.site.urls),
    # for the load balancer (also answered by HealthCheckMiddleware before the Host check)
    path("healthz", healthz, name="healthz"),
    # Staff accounts are made by the secretariat (``manage.py create_staff_user``); there is no
    # self-service password reset by e-mail, so only these four pages of django.contrib.auth.
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password_change/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("staff/", include(("nemuro_strategy.staff.urls", "staff"))),
    # one "strategy" namespace: the pages that combine the apps and the strategy app's own
    path("", include((page_urls.urlpatterns + strategy_urls.urlpatterns, "strategy"))),
    path("", include("kpi.urls")),
    path("", include("verification.urls")),
]
