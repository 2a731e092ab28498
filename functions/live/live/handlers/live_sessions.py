"""Live's sessions and participants: create, list (public), read (public), change, start and end a
session (its DJ only); join, leave and list participants."""

# No `from __future__ import annotations` here: Powertools reads the route signatures at run time to
# validate bodies and build the OpenAPI description, so the annotations must be real objects.
from http import HTTPStatus
from typing import Annotated, Literal

from aws_lambda_powertools.event_handler.openapi.params import Body, Query
from aws_lambda_powertools.metrics import MetricUnit

from colmena.clock import utc_now
from colmena.http import caller_of, responses
from live import service
from live.models import SessionStatus
from live.schemas import Id, Membership, NewSession, ParticipantList, SessionChange, SessionPage, SessionView
from live.wiring import LiveFunction, rest_api

function = LiveFunction.from_env()
repository, publisher = function.repository, function.publisher
tracer, metrics = function.tracer, function.metrics
app = rest_api()

# Served without the authorizer (the template's `Auth: Authorizer: NONE`): anyone may browse sessions.
PUBLIC: list[dict[str, list[str]]] = [{}]
NO_SUCH = (HTTPStatus.NOT_FOUND,)
LIFECYCLE = responses(
    "The session as it now is",
    HTTPStatus.NOT_FOUND,
    HTTPStatus.CONFLICT,
    HTTPStatus.SERVICE_UNAVAILABLE,
    takes_body=True,
)
MEMBERSHIP = responses(
    "The caller's membership as it now is",
    HTTPStatus.NOT_FOUND,
    HTTPStatus.CONFLICT,
    HTTPStatus.SERVICE_UNAVAILABLE,
    takes_body=True,
)


@app.post(
    "/sessions",
    status_code=HTTPStatus.CREATED.value,
    summary="Create a session with the caller as its DJ",
    responses=responses("The new session, scheduled", takes_body=True, success_status=HTTPStatus.CREATED),
)
@tracer.capture_method
def create_session(new: Annotated[NewSession, Body()]) -> SessionView:
    caller = caller_of(app.current_event)
    session = service.create_session(repository, caller.user_id, new.fields(), utc_now())
    metrics.add_metric(name="SessionCreated", unit=MetricUnit.Count, value=1)
    return SessionView.of(session)


@app.get(
    "/sessions",
    summary="Live or scheduled sessions, newest first (public)",
    security=PUBLIC,
    responses=responses("One page of sessions", HTTPStatus.BAD_REQUEST, public=True),
)
@tracer.capture_method
def list_sessions(
    status: Annotated[Literal["live", "scheduled"], Query()] = "live",
    cursor: Annotated[str | None, Query(max_length=1024)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> SessionPage:
    return SessionPage.of(repository.list_sessions(SessionStatus(status), limit, cursor))


@app.get(
    "/sessions/<session_id>",
    summary="One session (public)",
    security=PUBLIC,
    responses=responses("The session", *NO_SUCH, public=True),
)
@tracer.capture_method
def get_session(session_id: Id) -> SessionView:
    return SessionView.of(service.session_of(repository, session_id))


@app.patch(
    "/sessions/<session_id>",
    summary="Change a session (its DJ only)",
    responses=responses("The session as it now is", HTTPStatus.NOT_FOUND, HTTPStatus.CONFLICT, takes_body=True),
)
@tracer.capture_method
def change_session(session_id: Id, change: Annotated[SessionChange, Body()]) -> SessionView:
    caller = caller_of(app.current_event)
    return SessionView.of(service.change_session(repository, session_id, caller.user_id, change.changes(), utc_now()))


@app.post("/sessions/<session_id>/start", summary="Go live (the DJ only)", responses=LIFECYCLE)
@tracer.capture_method
def start_session(session_id: Id) -> SessionView:
    caller = caller_of(app.current_event)
    session = service.start_session(repository, publisher, session_id, caller.user_id, utc_now())
    metrics.add_metric(name="SessionStarted", unit=MetricUnit.Count, value=1)
    return SessionView.of(session)


@app.post("/sessions/<session_id>/end", summary="End the session for good (the DJ only)", responses=LIFECYCLE)
@tracer.capture_method
def end_session(session_id: Id) -> SessionView:
    caller = caller_of(app.current_event)
    session = service.end_session(repository, publisher, session_id, caller.user_id, utc_now())
    metrics.add_metric(name="SessionEnded", unit=MetricUnit.Count, value=1)
    return SessionView.of(session)


@app.post("/sessions/<session_id>/join", summary="Join a live session", responses=MEMBERSHIP)
@tracer.capture_method
def join(session_id: Id) -> Membership:
    caller = caller_of(app.current_event)
    session, joined = service.join(repository, publisher, session_id, caller.user_id, utc_now())
    return Membership(
        session_id=session_id,
        user_id=caller.user_id,
        participant=True,
        changed=joined,
        participant_count=session.participant_count,
    )


@app.post("/sessions/<session_id>/leave", summary="Leave a session", responses=MEMBERSHIP)
@tracer.capture_method
def leave(session_id: Id) -> Membership:
    caller = caller_of(app.current_event)
    session, left = service.leave(repository, publisher, session_id, caller.user_id, utc_now())
    return Membership(
        session_id=session_id,
        user_id=caller.user_id,
        participant=False,
        changed=left,
        participant_count=session.participant_count,
    )


@app.get(
    "/sessions/<session_id>/participants",
    summary="The session's participants",
    responses=responses("The participants", *NO_SUCH),
)
@tracer.capture_method
def list_participants(session_id: Id) -> ParticipantList:
    caller_of(app.current_event)
    return ParticipantList.of(session_id, service.participants(repository, session_id))


lambda_handler = function.rest_handler(app)
