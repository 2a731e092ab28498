"""The onboarding's routes: a draft of the business's facts from its website, the owner's confirmation, and
every step's state. Only the onboarding's creator sees or changes it; anyone else gets 404."""

# No `from __future__ import annotations` here: Powertools reads the route signatures at run time to
# validate bodies and build the OpenAPI description, so the annotations must be real objects.
import uuid
from http import HTTPStatus
from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.metrics import MetricUnit

from agents import logic
from agents.models import Business, Onboarding
from agents.repository import OnboardingRepository
from agents.schemas import BusinessInfo, BusinessView, ConfirmedBusiness, Drafted, Id, OnboardingView
from agents.settings import WebsiteSettings
from agents.website import WebsiteFetcher
from agents.wiring import AgentsFunction, rest_api
from colmena.clock import utc_now
from colmena.http import caller_of, responses

function = AgentsFunction.from_env()
website = WebsiteSettings.from_env()
repository = OnboardingRepository(function.dynamodb, function.table_name)
fetcher = WebsiteFetcher(loopback_ports=website.loopback_ports)
tracer, metrics = function.tracer, function.metrics
app = rest_api()


@app.post(
    "/onboarding/business-info",
    status_code=HTTPStatus.CREATED.value,
    summary="Start an onboarding: the business's facts drafted from its own website",
    responses=responses(
        "The new onboarding and its draft (empty without a website)",
        takes_body=True,
        success_status=HTTPStatus.CREATED,
    ),
)
@tracer.capture_method
def business_info(info: Annotated[BusinessInfo, Body()]) -> Drafted:
    caller = caller_of(app.current_event)
    draft = _draft(info.website_url, info.country) if info.website_url else Business()
    now = utc_now()
    onboarding = Onboarding(
        onboarding_id=str(uuid.uuid4()),
        owner_id=caller.user_id,
        country=info.country,
        website_url=info.website_url,
        draft=draft,
        business=None,
        created_at=now,
        updated_at=now,
    )
    repository.create(onboarding)
    metrics.add_metric(name="OnboardingStarted", unit=MetricUnit.Count, value=1)
    return Drafted(
        onboarding_id=onboarding.onboarding_id,
        country=onboarding.country,
        website_url=onboarding.website_url,
        draft=BusinessView.of(draft),
    )


@tracer.capture_method
def _draft(website_url: str, country: str) -> Business:
    # The scraper imports BeautifulSoup: only a draft from a website pays for it.
    from agents.scraper import draft_from_html

    page = fetcher.fetch(website_url)
    return draft_from_html(page.body, country, page.charset)


@app.post(
    "/onboarding/<onboarding_id>/confirm-business",
    summary="Confirm the business's facts, as the owner corrected them",
    responses=responses("The onboarding as it now is", HTTPStatus.NOT_FOUND, takes_body=True),
)
@tracer.capture_method
def confirm_business(onboarding_id: Id, fields: Annotated[ConfirmedBusiness, Body()]) -> OnboardingView:
    caller = caller_of(app.current_event)
    record = logic.owned(repository.record(onboarding_id), caller.user_id, onboarding_id)
    business = logic.confirmed_business(record.onboarding, **fields.model_dump())
    repository.confirm_business(onboarding_id, caller.user_id, business, utc_now())
    metrics.add_metric(name="BusinessConfirmed", unit=MetricUnit.Count, value=1)
    return OnboardingView.of(logic.owned(repository.record(onboarding_id), caller.user_id, onboarding_id))


@app.get(
    "/onboarding/<onboarding_id>",
    summary="The onboarding: every step's state and what is missing next",
    responses=responses("The onboarding", HTTPStatus.NOT_FOUND),
)
@tracer.capture_method
def get_onboarding(onboarding_id: Id) -> OnboardingView:
    caller = caller_of(app.current_event)
    return OnboardingView.of(logic.owned(repository.record(onboarding_id), caller.user_id, onboarding_id))


lambda_handler = function.rest_handler(app)
