"""14. Bedrock's Converse and ConverseStream are authorized as the IAM actions AWS checks for them."""

from __future__ import annotations

from typing import Any

from tools.local_stack.launcher.signatures import original

# --- 14. Converse under IAM ------------------------------------------------------------------------

# AWS has no bedrock:Converse action: Converse is allowed by bedrock:InvokeModel on the model, ConverseStream by
# bedrock:InvokeModelWithResponseStream (Bedrock's API reference, "Converse": required permissions).
CONVERSE_ACTIONS = {
    "bedrock:Converse": "bedrock:InvokeModel",
    "bedrock:ConverseStream": "bedrock:InvokeModelWithResponseStream",
}


def _authorize_converse_as_invoke_model() -> None:
    """MiniStack names the action after the operation (bedrock:Converse), so a function granted what AWS asks for,
    bedrock:InvokeModel on its model, is denied Converse, and one granted bedrock:Converse, which AWS ignores, is
    let through."""
    from ministack.core import iam_actions

    # app.py imports it at call time, so rebinding the module attribute reaches it.
    extract = original(
        iam_actions,
        "extract_iam_action",
        "(service: str, method: str, path: str, headers: dict, body: bytes, query_params: dict) -> str | None",
    )

    def extract_as_aws_does(service: str, *args: Any, **kwargs: Any) -> str | None:
        action: str | None = extract(service, *args, **kwargs)
        if service == "bedrock-runtime" and action in CONVERSE_ACTIONS:
            return CONVERSE_ACTIONS[action]
        return action

    iam_actions.extract_iam_action = extract_as_aws_does
