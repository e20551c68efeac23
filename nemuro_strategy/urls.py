from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "根室市創生総合戦略 管理"
admin.site.site_title = "根室市創生総合戦略"
admin.site.index_title = "データ管理"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("staff/", include(("nemuro_strategy.staff_urls", "staff"))),
    path("", include("strategy.urls")),
    path("", include("kpi.urls")),
    path("", include("verification.urls")),
]
