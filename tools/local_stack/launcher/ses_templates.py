"""13. CloudFormation deploys AWS::SES::Template, through the emulator's own SES CreateTemplate."""

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
        raise RuntimeError(f"MiniStack provisions {SES_TEMPLATE} itself now: remove patch 13 (ses_templates.py)")

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
