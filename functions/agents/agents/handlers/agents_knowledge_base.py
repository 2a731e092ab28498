"""The knowledge base's routes: a presigned upload for one document, and the documents with their status and,
once ready, the merged knowledge base. Only the onboarding's creator may use them; anyone else gets 404."""

# No `from __future__ import annotations` here: Powertools reads the route signatures at run time to
# validate bodies and build the OpenAPI description, so the annotations must be real objects.
import uuid
from datetime import datetime
from http import HTTPStatus
from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.metrics import MetricUnit

from agents import logic
from agents.keys import upload_key
from agents.models import Document, DocumentStatus, Step
from agents.repository import OnboardingRepository
from agents.schemas import Id, KnowledgeBaseView, UploadRequest, UploadView
from agents.settings import KnowledgeBaseBucketSettings
from agents.uploads import check_file_name, presigned_post
from agents.wiring import AgentsFunction, rest_api
from colmena.aws import s3_client
from colmena.clock import utc_now
from colmena.http import caller_of, responses

function = AgentsFunction.from_env()
bucket = KnowledgeBaseBucketSettings.from_env()
repository = OnboardingRepository(function.dynamodb, function.table_name)
s3 = s3_client()
tracer, metrics = function.tracer, function.metrics
app = rest_api()


@app.post(
    "/onboarding/<onboarding_id>/knowledge-base/upload",
    status_code=HTTPStatus.CREATED.value,
    summary="Ask to upload one document (PDF, DOCX or plain text, at most 20 MB): a presigned S3 POST",
    responses=responses(
        "The document's id and the form to POST the file with",
        HTTPStatus.NOT_FOUND,
        HTTPStatus.CONFLICT,
        takes_body=True,
        success_status=HTTPStatus.CREATED,
    ),
)
@tracer.capture_method
def ask_for_upload(onboarding_id: Id, upload: Annotated[UploadRequest, Body()]) -> UploadView:
    caller = caller_of(app.current_event)
    record = logic.owned(repository.record(onboarding_id), caller.user_id, onboarding_id)
    logic.require_step(record, Step.KNOWLEDGE_BASE)
    check_file_name(upload.file_name, upload.content_type)
    document_id = str(uuid.uuid4())
    key = upload_key(onboarding_id, document_id, upload.file_name)
    now = utc_now()
    post = presigned_post(s3, bucket.bucket_name, key, upload.content_type, upload.size, datetime.fromisoformat(now))
    repository.add_document(
        onboarding_id,
        caller.user_id,
        Document(
            document_id=document_id,
            file_name=upload.file_name,
            content_type=upload.content_type,
            size=upload.size,
            s3_key=key,
            status=DocumentStatus.AWAITING_UPLOAD,
            created_at=now,
            updated_at=now,
        ),
    )
    metrics.add_metric(name="UploadPresigned", unit=MetricUnit.Count, value=1)
    return UploadView.of(document_id, post)


@app.get(
    "/onboarding/<onboarding_id>/knowledge-base",
    summary="The onboarding's documents with their status and, once ready, the merged knowledge base",
    responses=responses("The knowledge base", HTTPStatus.NOT_FOUND),
)
@tracer.capture_method
def get_knowledge_base(onboarding_id: Id) -> KnowledgeBaseView:
    caller = caller_of(app.current_event)
    record = logic.owned(repository.record(onboarding_id), caller.user_id, onboarding_id)
    return KnowledgeBaseView.of(record, logic.state_of(record, Step.KNOWLEDGE_BASE))


lambda_handler = function.rest_handler(app)
