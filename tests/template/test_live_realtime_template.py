"""The Live WebSocket API's wiring in template.yaml: its routes, the authorizer, the push rule, the grants."""

from __future__ import annotations

import json
from typing import Any

from tools import template

API = "LiveWebSocketApi"
CONNECTIONS = (
    "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:"
    "${LiveWebSocketApi}/${Stage}/POST/@connections/*"
)


def of_api(kind: str) -> dict[str, dict[str, Any]]:
    return {
        logical_id: resource["Properties"]
        for logical_id, resource in template.resources(kind).items()
        if resource["Properties"]["ApiId"] == {"Ref": API}
    }


def test_the_api_is_a_websocket_api_routing_on_the_frames_action() -> None:
    api = template.resources("AWS::ApiGatewayV2::Api")[API]["Properties"]

    assert (api["ProtocolType"], api["RouteSelectionExpression"]) == ("WEBSOCKET", "$request.body.action")


def test_it_serves_connect_disconnect_subscribe_unsubscribe_and_a_default_through_one_function() -> None:
    routes = of_api("AWS::ApiGatewayV2::Route")
    [integration_id] = of_api("AWS::ApiGatewayV2::Integration")
    integration = of_api("AWS::ApiGatewayV2::Integration")[integration_id]

    assert sorted(route["RouteKey"] for route in routes.values()) == sorted(
        ["$connect", "$disconnect", "subscribe", "unsubscribe", "$default"]
    )
    assert all(route["Target"] == {"Fn::Sub": f"integrations/${{{integration_id}}}"} for route in routes.values())
    assert "LiveSocketFunction.Alias" in json.dumps(integration["IntegrationUri"])


def test_only_connect_is_authorized_with_the_token_in_the_query_string() -> None:
    routes = {route["RouteKey"]: route for route in of_api("AWS::ApiGatewayV2::Route").values()}
    [authorizer] = of_api("AWS::ApiGatewayV2::Authorizer").values()

    assert routes["$connect"]["AuthorizationType"] == "CUSTOM"
    assert routes["$connect"]["AuthorizerId"] == {"Ref": "LiveWebSocketAuthorizer"}
    assert [key for key, route in routes.items() if "AuthorizationType" in route] == ["$connect"]
    assert (authorizer["AuthorizerType"], authorizer["IdentitySource"]) == (
        "REQUEST",
        ["route.request.querystring.token"],
    )
    assert "LiveAuthorizerFunction.Alias" in json.dumps(authorizer["AuthorizerUri"])


def test_the_authorizer_checks_the_pools_issuer_and_the_app_clients_audience() -> None:
    variables = template.function("LiveAuthorizerFunction").properties["Environment"]["Variables"]

    assert variables["USER_POOL_CLIENT_ID"] == {"Ref": "UserPoolClient"}
    assert variables["TOKEN_ISSUER"] == {"Fn::Sub": "https://cognito-idp.${AWS::Region}.amazonaws.com/${UserPool}"}
    assert "Policies" not in template.function("LiveAuthorizerFunction").properties


def test_the_stage_deploys_itself_and_its_url_is_the_stacks_live_websocket_url() -> None:
    [stage] = of_api("AWS::ApiGatewayV2::Stage").values()
    output = template.template()["Outputs"]["LiveWebSocketUrl"]["Value"]

    assert stage["AutoDeploy"] is True and stage["StageName"] == {"Ref": "Stage"}
    assert output == {
        "Fn::Sub": "wss://${LiveWebSocketApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}/${LiveWebSocketStage}"
    }


def test_api_gateway_may_invoke_the_authorizer_and_the_routes_function_for_this_api_only() -> None:
    permissions = {
        properties["FunctionName"]["Ref"].removesuffix(".Alias"): properties
        for properties in (r["Properties"] for r in template.resources("AWS::Lambda::Permission").values())
    }

    for function in ("LiveAuthorizerFunction", "LiveSocketFunction"):
        assert permissions[function]["Principal"] == "apigateway.amazonaws.com"
        assert "${LiveWebSocketApi}/" in permissions[function]["SourceArn"]["Fn::Sub"]


def test_connections_expire_by_ttl() -> None:
    table = template.resources("AWS::DynamoDB::Table")["LiveTable"]["Properties"]

    assert table["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}


def test_only_the_routes_and_the_push_function_may_post_to_connections_and_only_this_apis() -> None:
    posting = {
        function.logical_id: statement["Resource"]
        for function in template.functions()
        for statement in (s for policy in function.properties.get("Policies", []) for s in policy["Statement"])
        if "execute-api:ManageConnections" in str(statement["Action"])
    }

    assert posting == {"LiveSocketFunction": {"Fn::Sub": CONNECTIONS}, "LivePushFunction": {"Fn::Sub": CONNECTIONS}}


def test_the_push_function_follows_live_events_on_the_project_bus() -> None:
    [rule] = template.function("LivePushFunction").properties["Events"].values()

    assert rule["Type"] == "EventBridgeRule"
    assert rule["Properties"]["EventBusName"] == {"Ref": "EventBus"}
    assert rule["Properties"]["Pattern"]["source"] == ["colmena.live"]
