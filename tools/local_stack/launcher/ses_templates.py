"""15. CloudFormation deploys AWS::SES::Template, through the emulator's own SES CreateTemplate.
16. SES's send actions are authorized on the sender's identity, as on AWS."""

from __future__ import annotations

from typing import Any

from tools.local_stack.launcher.signatures import original

SES_TEMPLATE = "AWS::SES::Template"


def _provision_ses_templates() -> None:
    """MiniStack's CloudFormation refuses AWS::SES::Template ("Unrecognized resource types"), so the stack
    would not deploy at all. Registered here, each template resource of template.yaml is created by SES's
    own CreateTemplate action with the resource's properties while the stack deploys, before any function
    can send with it, and removed by DeleteTemplate with the stack: no second copy of any template."""
    from ministack.services import ses
    from ministack.services.cloudformation import provisioners

    create = original(ses, "_create_template", "(params)")
    delete = original(ses, "_delete_template", "(params)")
    if SES_TEMPLATE in provisioners._RESOURCE_HANDLERS:
        raise RuntimeError(f"MiniStack provisions {SES_TEMPLATE} itself now: remove patch 15 (ses_templates.py)")

    def create_template(logical_id: str, props: dict[str, Any], stack_name: str) -> tuple[str, dict[str, Any]]:
        parts = dict(props.get("Template") or {})
        # CloudFormation names a template the resource leaves unnamed.
        name = str(parts.get("TemplateName") or f"{stack_name}-{logical_id}")
        params = {f"Template.{key}": [str(value)] for key, value in {**parts, "TemplateName": name}.items()}
        status, _, body = create(params)
        if status != 200:
            raise ValueError(f"SES refused template {name}: {body.decode(errors='replace')}")
        return name, {}

    def delete_template(physical_id: str, _props: dict[str, Any]) -> None:
        delete({"TemplateName": [physical_id]})

    provisioners._RESOURCE_HANDLERS[SES_TEMPLATE] = {"create": create_template, "delete": delete_template}


# --- 16. SES sending is authorized on the sender's identity ---------------------------------------

SENDING_ACTIONS = frozenset({"SendEmail", "SendTemplatedEmail", "SendRawEmail", "SendBulkTemplatedEmail"})


def _authorize_sending_on_the_sender() -> None:
    """MiniStack authorizes SES v1's send actions against '*', so a policy scoped to the sender's identity
    (as AWS evaluates SendTemplatedEmail: `identity/<Source>`) is always denied. The resource becomes the
    identity of the request's `Source`, as on AWS."""
    from ministack.core import iam_actions

    extract = original(
        iam_actions,
        "extract_resource_arn",
        "(service: str, method: str, path: str, headers: dict, body: bytes, query_params: dict, region: str, "
        "account_id: str) -> str",
    )

    def resource_of_sender(
        service: str, method: str, path: str, headers: dict[str, Any], body: bytes, query_params: dict[str, Any],
        region: str, account_id: str,
    ) -> str:  # fmt: skip
        arn: str = extract(service, method, path, headers, body, query_params, region, account_id)
        action, source = (_first(query_params.get(key)) for key in ("Action", "Source"))
        if service == "ses" and arn == "*" and action in SENDING_ACTIONS and source:
            return f"arn:aws:ses:{region}:{account_id}:identity/{source}"
        return arn

    iam_actions.extract_resource_arn = resource_of_sender


def _first(value: Any) -> str:
    return str(value[0] if isinstance(value, list) and value else value or "")
