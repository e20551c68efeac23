"""Staff pages of the verification app (publication, recent changes)."""

urlpatterns: list = []
