"""Live's song queue and its votes: participants queue songs and vote; the DJ marks a song playing,
played or skipped."""

# No `from __future__ import annotations` here: Powertools reads the route signatures at run time.
from http import HTTPStatus
from typing import Annotated, Literal

from aws_lambda_powertools.event_handler.openapi.params import Body, Query
from aws_lambda_powertools.metrics import MetricUnit

from colmena.clock import utc_now
from colmena.http import caller_of, responses
from live import service
from live.models import QueueOrder, SongStatus
from live.schemas import Id, IdempotencyKey, NewSong, Queue, SongStatusChange, SongView, VoteBody, VoteView
from live.wiring import LiveFunction, rest_api

function = LiveFunction.from_env()
repository, publisher = function.repository, function.publisher
tracer, metrics = function.tracer, function.metrics
app = rest_api()

CHANGES = (HTTPStatus.NOT_FOUND, HTTPStatus.CONFLICT, HTTPStatus.SERVICE_UNAVAILABLE)


@app.post(
    "/sessions/<session_id>/queue",
    status_code=HTTPStatus.CREATED.value,
    summary="Queue a song (participants)",
    responses=responses("The queued song", *CHANGES, takes_body=True, success_status=HTTPStatus.CREATED),
)
@tracer.capture_method
def add_song(session_id: Id, song: Annotated[NewSong, Body()], idempotency_key: IdempotencyKey = None) -> SongView:
    caller = caller_of(app.current_event)
    added = service.add_song(
        repository, publisher, session_id, caller.user_id, song.fields(), utc_now(), idempotency_key
    )
    metrics.add_metric(name="SongQueued", unit=MetricUnit.Count, value=1)
    return SongView.of(added)


@app.get(
    "/sessions/<session_id>/queue",
    summary="The queue, by position or by score",
    responses=responses("The queue", HTTPStatus.NOT_FOUND),
)
@tracer.capture_method
def get_queue(session_id: Id, order: Annotated[Literal["position", "score"], Query()] = "position") -> Queue:
    caller_of(app.current_event)
    songs = service.queue(repository, session_id, QueueOrder(order))
    return Queue(session_id=session_id, order=order, songs=[SongView.of(song) for song in songs])


@app.patch(
    "/sessions/<session_id>/queue/<song_id>",
    summary="Mark a song playing, played or skipped (the DJ only)",
    responses=responses("The song as it now is", *CHANGES, takes_body=True),
)
@tracer.capture_method
def set_song_status(session_id: Id, song_id: Id, change: Annotated[SongStatusChange, Body()]) -> SongView:
    caller = caller_of(app.current_event)
    song = service.set_song_status(
        repository, publisher, session_id, song_id, caller.user_id, SongStatus(change.status), utc_now()
    )
    return SongView.of(song)


@app.put(
    "/sessions/<session_id>/queue/<song_id>/vote",
    summary="Vote a song up (1) or down (-1); a second vote replaces the first",
    responses=responses("The song's score and the caller's vote", *CHANGES, takes_body=True),
)
@tracer.capture_method
def put_vote(session_id: Id, song_id: Id, vote: Annotated[VoteBody, Body()]) -> VoteView:
    caller = caller_of(app.current_event)
    song, value = service.vote(repository, publisher, session_id, song_id, caller.user_id, vote.value, utc_now())
    metrics.add_metric(name="VoteCast", unit=MetricUnit.Count, value=1)
    return VoteView(session_id=session_id, song_id=song_id, score=song.score, my_vote=value)  # type: ignore[arg-type]


@app.delete(
    "/sessions/<session_id>/queue/<song_id>/vote",
    summary="Withdraw the caller's vote on a song",
    responses=responses("The song's score and the caller's vote", *CHANGES, takes_body=True),
)
@tracer.capture_method
def delete_vote(session_id: Id, song_id: Id) -> VoteView:
    caller = caller_of(app.current_event)
    song, _ = service.vote(repository, publisher, session_id, song_id, caller.user_id, None, utc_now())
    return VoteView(session_id=session_id, song_id=song_id, score=song.score, my_vote=None)


lambda_handler = function.rest_handler(app)
