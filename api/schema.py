"""How the schema describes the token authentication (loaded by `ApiConfig.ready`)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiTokenAuthentication"
    name = "ApiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "An API token from the profile page (API tokens), sent as "
                "`Authorization: Bearer tp_…`. 令牌在“个人信息”页面的“API令牌”中创建。"
            ),
        }
