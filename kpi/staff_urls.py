"""Staff pages of the kpi app (year entry, Excel round trip)."""

urlpatterns: list = []
