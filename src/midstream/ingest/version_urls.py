"""Version pages: diff between versions, corrections download."""

urlpatterns: list = []
