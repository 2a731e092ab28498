"""What the knowledge-base processor creates at cold start: the Agents function's clients and Powertools objects,
an S3 client for the uploads, the structurer (Bedrock's when KNOWLEDGE_BASE_MODEL_ID names a model, the local rules
otherwise) and the processor over them; and the partial processor that runs it over an S3 event's records."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote_plus

import boto3
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BasePartialProcessor
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError
from botocore.config import Config
from botocore.exceptions import ClientError

from agents.knowledge.bedrock import BedrockStructurer
from agents.knowledge.extract import Extraction
from agents.knowledge.models import Structured, Structurer
from agents.knowledge.processing import DocumentProcessor, Outcome, Upload
from agents.knowledge.rules import structure
from agents.knowledge_repository import KnowledgeRepository
from agents.wiring import AgentsFunction
from colmena.aws import s3_client

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

# One Converse call may take tens of seconds to answer; throttling is retried by BedrockStructurer, not botocore.
BEDROCK_CONFIG = Config(connect_timeout=2, read_timeout=60, retries={"mode": "standard", "max_attempts": 1})
# What a Bedrock retry leaves for the rest of the work before the function's timeout.
RESERVE_SECONDS = 30.0


@dataclass(frozen=True)
class ProcessorSettings:
    model_id: str | None

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> ProcessorSettings:
        return cls(model_id=environ.get("KNOWLEDGE_BASE_MODEL_ID", "").strip() or None)


class LocalStructurer:
    def __call__(self, extraction: Extraction, document_id: str) -> Structured:
        return Structured(knowledge_base=structure(extraction, document_id), structurer=Structurer.LOCAL)


@dataclass
class ProcessorFunction:
    agents: AgentsFunction
    processor: DocumentProcessor
    bedrock: BedrockStructurer | None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ProcessorFunction:
        environ = os.environ if environ is None else environ
        agents = AgentsFunction.from_env(environ)
        settings = ProcessorSettings.from_env(environ)
        bedrock = None
        if settings.model_id:
            client = boto3.client("bedrock-runtime", config=BEDROCK_CONFIG)
            bedrock = BedrockStructurer(client, settings.model_id)
        processor = DocumentProcessor(
            repository=KnowledgeRepository(agents.dynamodb, agents.table_name),
            read_object=S3Reader(s3_client()),
            structure=bedrock.structure if bedrock else LocalStructurer(),
            publisher=agents.publisher,
            logger=agents.logger,
        )
        return cls(agents, processor, bedrock)

    def allow_until(self, remaining_milliseconds: Callable[[], int]) -> None:
        """Bedrock's retries stop RESERVE_SECONDS before this invocation's timeout."""
        if self.bedrock:
            self.bedrock.remaining_seconds = lambda: remaining_milliseconds() / 1000 - RESERVE_SECONDS

    def process_record(self, record: dict[str, Any]) -> Outcome:
        s3 = record["s3"]
        upload = Upload(
            bucket=s3["bucket"]["name"],
            # S3 sends the key URL-encoded (a space as "+"): the object's real key is the decoded one.
            key=unquote_plus(s3["object"]["key"]),
            etag=s3["object"].get("eTag", "").strip('"'),
            size=int(s3["object"].get("size", 0)),
        )
        outcome = self.processor.process(upload)
        self.agents.metrics.add_metric(name=f"Documents{outcome.value.title()}", unit=MetricUnit.Count, value=1)
        return outcome


@dataclass
class S3Reader:
    client: S3Client

    def __call__(self, bucket: str, key: str, etag: str, max_bytes: int) -> bytes | None:
        try:
            response = self.client.get_object(Bucket=bucket, Key=key, IfMatch=etag)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("PreconditionFailed", "NoSuchKey", "412", "404"):
                return None
            raise
        with response["Body"] as body:
            return body.read(max_bytes + 1)


class S3RecordProcessor(BasePartialProcessor):
    """Powertools' partial processing over an S3 event's records. S3 invokes the function asynchronously and has no
    partial-failure response: a record that raised (AWS itself failing, never a bad document) fails the invocation
    once every record was tried, so that Lambda retries the event (each record is idempotent) and then sends it to
    the on-failure destination."""

    def _prepare(self) -> None:
        self.success_messages.clear()
        self.fail_messages.clear()
        self.exceptions.clear()

    def _clean(self) -> None:
        if self.fail_messages:
            raise BatchProcessingError(
                f"{len(self.fail_messages)} of {len(self.records)} records failed", list(self.exceptions)
            )

    def _process_record(self, record: dict[str, Any]) -> tuple[Any, ...]:
        try:
            result = self.handler(record)
        except Exception:
            return self.failure_handler(record, sys.exc_info())
        return self.success_handler(record, result)

    async def _async_process_record(self, record: dict[str, Any]) -> tuple[Any, ...]:
        raise NotImplementedError("the processor runs synchronously")
