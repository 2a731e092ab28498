"""The owner's voice on the onboarding item: `voice_id` and `voice_name`, replaced by a later choice until a
deployment starts, and never after: the workflow reads the voice once, when it builds the agent, so a change
while it runs would leave the onboarding naming a voice its agent does not speak with."""

from __future__ import annotations

from agents.keys import DEPLOYMENT, ONBOARDING, onboarding_pk
from agents.models import DeploymentStatus
from agents.providers.elevenlabs import Voice
from colmena.errors import Conflict, NotFound
from colmena.repository import ConditionFailed, DynamoRepository, to_attributes


class AlreadyDeployed(Conflict):
    code = "already_deployed"


class DeploymentRunning(Conflict):
    code = "deployment_in_progress"


class VoiceRepository(DynamoRepository):
    def select_voice(self, onboarding_id: str, owner_id: str, voice: Voice, now: str) -> None:
        pk = onboarding_pk(onboarding_id)
        fields = {"voice_id": voice.voice_id, "voice_name": voice.name, "updated_at": now}
        try:
            self._transact(
                [
                    {
                        "Update": {
                            "TableName": self.table_name,
                            "Key": self._key(pk, ONBOARDING),
                            "UpdateExpression": "SET " + ", ".join(f"#{name} = :{name}" for name in fields),
                            "ConditionExpression": (
                                "attribute_exists(pk) AND #owner_id = :owner AND attribute_not_exists(#deployed_at)"
                            ),
                            "ExpressionAttributeNames": {
                                f"#{name}": name for name in (*fields, "owner_id", "deployed_at")
                            },
                            "ExpressionAttributeValues": to_attributes(
                                {":owner": owner_id, **{f":{name}": value for name, value in fields.items()}}
                            ),
                        }
                    },
                    {
                        # Only a deployment that failed (or none) leaves the voice free to change.
                        "ConditionCheck": {
                            "TableName": self.table_name,
                            "Key": self._key(pk, DEPLOYMENT),
                            "ConditionExpression": "attribute_not_exists(pk) OR #status = :failed",
                            "ExpressionAttributeNames": {"#status": "status"},
                            "ExpressionAttributeValues": to_attributes({":failed": str(DeploymentStatus.FAILED)}),
                        }
                    },
                ]
            )
        except ConditionFailed as error:
            current = self._get(pk, ONBOARDING)
            if current is None or current["owner_id"] != owner_id:
                raise NotFound(f"no onboarding {onboarding_id}") from error
            if current.get("deployed_at"):
                raise AlreadyDeployed(
                    "the agent is deployed with its voice; the voice can no longer be changed"
                ) from error
            raise DeploymentRunning(
                "the agent is being deployed with the chosen voice; choose again if the deployment fails"
            ) from error
