"""AgentsDeploymentFunction: POST /onboarding/{onboarding_id}/deploy-agent starts the agent-deployment
workflow once (agents.deployment.starter) and answers 202 with the execution's state."""

# No `from __future__ import annotations` here: Powertools reads the route signatures at run time.
import os
from http import HTTPStatus

import boto3

from agents import logic
from agents.deployment import starter
from agents.deployment.repository import DeploymentRepository
from agents.deployment.workflow import StepFunctionsWorkflow
from agents.public_api import public_api_base_url
from agents.repository import OnboardingRepository
from agents.schemas import DeploymentStarted, Id
from agents.wiring import AgentsFunction, rest_api
from colmena.aws import CLIENT_CONFIG
from colmena.clock import utc_now
from colmena.http import caller_of, responses
from colmena.settings import require

function = AgentsFunction.from_env()
records = OnboardingRepository(function.dynamodb, function.table_name)
deployments = DeploymentRepository(function.dynamodb, function.table_name)
stepfunctions = boto3.client("stepfunctions", config=CLIENT_CONFIG)
workflow = StepFunctionsWorkflow(stepfunctions, require("AGENT_DEPLOYMENT_STATE_MACHINE_ARN"))
# Empty on AWS unless the template's PublicApiBaseUrl is set: then each request's own API id and stage say it.
configured_public_url = os.environ.get("PUBLIC_API_BASE_URL", "")
tracer = function.tracer
app = rest_api()


@app.post(
    "/onboarding/<onboarding_id>/deploy-agent",
    status_code=HTTPStatus.ACCEPTED.value,
    summary="Deploy the voice agent: started once; a second call answers the running or finished deployment",
    responses=responses(
        "The deployment and its execution's state",
        HTTPStatus.NOT_FOUND,
        HTTPStatus.CONFLICT,
        success_status=HTTPStatus.ACCEPTED,
    ),
)
@tracer.capture_method
def deploy_agent(onboarding_id: Id) -> DeploymentStarted:
    caller = caller_of(app.current_event)
    record = logic.owned(records.record(onboarding_id), caller.user_id, onboarding_id)
    context = app.current_event.request_context
    base_url = public_api_base_url(
        configured_public_url, api_id=context.api_id, stage=context.stage, region=stepfunctions.meta.region_name
    )
    started = starter.deploy(record, deployments, workflow, function.logger.get_correlation_id(), utc_now(), base_url)
    return DeploymentStarted.of(onboarding_id, started)


lambda_handler = function.rest_handler(app)
