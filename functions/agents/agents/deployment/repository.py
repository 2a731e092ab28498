"""The deployment's items (agents.keys): the route claims an attempt, the tasks mark it deployed or failed.
Every write is conditional on the attempt it belongs to, so a late task of an old attempt changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from agents.keys import DEPLOYMENT, ONBOARDING, PHONE_NUMBER, onboarding_pk, phone_number_pk
from agents.models import Deployment, DeploymentStatus
from agents.repository import deployment_of
from colmena.errors import Conflict
from colmena.repository import ConditionFailed, DynamoRepository, to_attributes, translated


class DeploymentSuperseded(Conflict):
    """The attempt a task belongs to is no longer the onboarding's current one, or has already ended."""

    code = "deployment_superseded"


@dataclass(frozen=True)
class Live:
    """What went live: written with the onboarding's deployed_at in one transaction."""

    agent_id: str
    phone_number: str
    phone_number_sid: str
    elevenlabs_phone_number_id: str


@dataclass(frozen=True)
class Claim:
    deployment: Deployment
    won: bool  # False: another request claimed the attempt first, or the deployment is running or deployed


class DeploymentRepository(DynamoRepository):
    def deployment(self, onboarding_id: str) -> Deployment | None:
        item = self._get(onboarding_pk(onboarding_id), DEPLOYMENT)
        return deployment_of(item) if item else None

    def claim(
        self,
        onboarding_id: str,
        previous: Deployment | None,
        execution_arn: str,
        correlation_id: str | None,
        now: str,
    ) -> Claim:
        """The next attempt, running, if the deployment is still as `previous` saw it (absent, or that attempt
        ended without going live); otherwise the deployment as the request that got there first left it."""
        attempt = (previous.attempt if previous else 0) + 1
        deployment = Deployment(
            status=DeploymentStatus.RUNNING,
            attempt=attempt,
            execution_arn=execution_arn,
            started_at=now,
            updated_at=now,
            correlation_id=correlation_id,
        )
        item = {
            "pk": onboarding_pk(onboarding_id),
            "sk": DEPLOYMENT,
            "status": str(deployment.status),
            "attempt": attempt,
            "execution_arn": execution_arn,
            "started_at": now,
            "updated_at": now,
            "correlation_id": correlation_id,
        }
        request: dict[str, Any] = {"TableName": self.table_name, "Item": to_attributes(item)}
        if previous is None:
            request["ConditionExpression"] = "attribute_not_exists(pk)"
        else:
            request["ConditionExpression"] = "attempt = :previous AND #status <> :deployed"
            request["ExpressionAttributeNames"] = {"#status": "status"}
            request["ExpressionAttributeValues"] = to_attributes(
                {":previous": previous.attempt, ":deployed": str(DeploymentStatus.DEPLOYED)}
            )
        try:
            self._client.put_item(**request)
        except ClientError as error:
            refusal = translated(error)
            if not isinstance(refusal, ConditionFailed):
                raise refusal from error
            current = self.deployment(onboarding_id)
            if current is None:  # only a deleted item could get here; nothing to answer with
                raise refusal from error
            return Claim(current, won=False)
        return Claim(deployment, won=True)

    def mark_deployed(self, onboarding_id: str, attempt: int, live: Live, now: str) -> bool:
        """The onboarding deployed, the attempt's outcome and the number's owner, in one transaction; False
        when the attempt was already marked deployed (nothing changes). DeploymentSuperseded for an attempt
        that is neither running nor deployed."""
        pk = onboarding_pk(onboarding_id)
        try:
            self._transact(
                [
                    {
                        "Update": {
                            "TableName": self.table_name,
                            "Key": self._key(pk, ONBOARDING),
                            "UpdateExpression": "SET deployed_at = :now, updated_at = :now",
                            "ConditionExpression": "attribute_exists(pk)",
                            "ExpressionAttributeValues": to_attributes({":now": now}),
                        }
                    },
                    {
                        "Update": {
                            "TableName": self.table_name,
                            "Key": self._key(pk, DEPLOYMENT),
                            "UpdateExpression": "SET #status = :deployed, updated_at = :now, agent_id = :agent, "
                            "phone_number = :number, phone_number_sid = :sid, "
                            "elevenlabs_phone_number_id = :imported REMOVE reason",
                            "ConditionExpression": "attempt = :attempt AND #status = :running",
                            "ExpressionAttributeNames": {"#status": "status"},
                            "ExpressionAttributeValues": to_attributes(
                                {
                                    ":deployed": str(DeploymentStatus.DEPLOYED),
                                    ":running": str(DeploymentStatus.RUNNING),
                                    ":attempt": attempt,
                                    ":now": now,
                                    ":agent": live.agent_id,
                                    ":number": live.phone_number,
                                    ":sid": live.phone_number_sid,
                                    ":imported": live.elevenlabs_phone_number_id,
                                }
                            ),
                        }
                    },
                    {
                        "Put": {
                            "TableName": self.table_name,
                            "Item": to_attributes(
                                {
                                    "pk": phone_number_pk(live.phone_number),
                                    "sk": PHONE_NUMBER,
                                    "onboarding_id": onboarding_id,
                                    "agent_id": live.agent_id,
                                    "created_at": now,
                                }
                            ),
                            "ConditionExpression": "attribute_not_exists(pk) OR onboarding_id = :onboarding",
                            "ExpressionAttributeValues": to_attributes({":onboarding": onboarding_id}),
                        }
                    },
                ]
            )
        except ConditionFailed as error:
            current = self.deployment(onboarding_id)
            if current is None or current.attempt != attempt or current.status is not DeploymentStatus.DEPLOYED:
                raise DeploymentSuperseded(
                    f"attempt {attempt} of the deployment of {onboarding_id} is not running: not marked deployed"
                ) from error
            return False
        return True

    def mark_failed(self, onboarding_id: str, attempt: int, reason: str, now: str) -> bool:
        """The attempt failed with the reason; False (and nothing changed) when the attempt has already ended
        or is not the current one."""
        try:
            self._set_fields(
                onboarding_pk(onboarding_id),
                DEPLOYMENT,
                {"status": str(DeploymentStatus.FAILED), "reason": reason, "updated_at": now},
                condition="attempt = :attempt AND #status = :running",
                allowed=frozenset({"status", "reason", "updated_at"}),
                attempt=attempt,
                running=str(DeploymentStatus.RUNNING),
            )
        except ConditionFailed:
            return False
        return True

    def forget_number(self, onboarding_id: str, phone_number: str) -> None:
        """The number's owner item, removed if it names this onboarding (a released number may be bought by
        another business later; its item then is that business's)."""
        try:
            self._client.delete_item(
                TableName=self.table_name,
                Key=self._key(phone_number_pk(phone_number), PHONE_NUMBER),
                ConditionExpression="attribute_not_exists(pk) OR onboarding_id = :onboarding",
                ExpressionAttributeValues=to_attributes({":onboarding": onboarding_id}),
            )
        except ClientError as error:
            refusal = translated(error)
            if not isinstance(refusal, ConditionFailed):
                raise refusal from error
