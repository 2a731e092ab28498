"""4 and 9: SAM's CORS preflight keeps its response headers; the REST API's Cognito authorizer accepts only
ID tokens."""

from __future__ import annotations

from typing import Any

from tools.local_stack.launcher.signatures import original

# --- 4. SAM's CORS preflight -----------------------------------------------------------------------


def _keep_cors_preflight_responses() -> None:
    from ministack.services import apigateway_v1

    import_operation = original(
        apigateway_v1,
        "_import_operation",
        "(api_id, resource_id, http_method, operation, scheme_map=None, default_security=None)",
    )
    original(apigateway_v1, "_put_integration_response", "(api_id, resource_id, http_method, status_code, data)")

    def import_with_mock_responses(api_id: str, resource_id: str, method: str, operation: Any, *args: Any) -> Any:
        result = import_operation(api_id, resource_id, method, operation, *args)
        integration = (operation or {}).get("x-amazon-apigateway-integration") or {}
        resources = apigateway_v1._resources.get(api_id, {})
        stored = resources.get(resource_id, {}).get("resourceMethods", {}).get(method, {}).get("methodIntegration")
        if not stored:
            return result
        if integration.get("requestTemplates"):
            stored["requestTemplates"] = dict(integration["requestTemplates"])
        for pattern, response in (integration.get("responses") or {}).items():
            apigateway_v1._put_integration_response(
                api_id,
                resource_id,
                method,
                str(response.get("statusCode", "200")),
                {
                    "selectionPattern": "" if pattern == "default" else pattern,
                    "responseParameters": response.get("responseParameters") or {},
                    "responseTemplates": response.get("responseTemplates") or {},
                },
            )
        return result

    apigateway_v1._import_operation = import_with_mock_responses


# --- 9. the authorizer's token types ---------------------------------------------------------------


def _accept_only_id_tokens() -> None:
    """MiniStack's REST Cognito authorizer accepts any token the pool signed, the refresh token included.
    API Gateway takes the ID token, or the access token when the method names OAuth scopes."""
    from ministack.services import apigateway_v1

    validate = original(
        apigateway_v1, "_validate_cognito_authorizer", "(authorizer, method_obj, headers, query_params, stage)"
    )
    original(apigateway_v1, "_gw_error", "(response_type, message)")

    async def validate_token_type(authorizer: Any, method: Any, headers: Any, query: Any, stage: Any) -> Any:
        claims, refusal = await validate(authorizer, method, headers, query, stage)
        wanted = "access" if method.get("authorizationScopes") else "id"
        if refusal is None and claims.get("token_use") != wanted:
            return None, apigateway_v1._gw_error("UNAUTHORIZED", "Unauthorized")
        return claims, refusal

    apigateway_v1._validate_cognito_authorizer = validate_token_type
