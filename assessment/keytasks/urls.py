app_name = "keytasks"

urlpatterns: list = []
