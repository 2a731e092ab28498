"""The user pool as the organisations function changes it: a member's organisation and role in their
Cognito attributes (so a fresh IdToken carries them), invitations, and signing a member out everywhere."""

from __future__ import annotations

from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from bookings.models import Role
from colmena.errors import Conflict, ProviderUnavailable

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

ORGANIZATION_ATTRIBUTE = "custom:organization_id"
ROLE_ATTRIBUTE = "custom:role"


class CognitoDirectory:
    def __init__(self, client: CognitoIdentityProviderClient, user_pool_id: str) -> None:
        self._client = client
        self._user_pool_id = user_pool_id

    def set_membership(self, user_id: str, organization_id: str, role: Role) -> None:
        """Writes the user's organisation and role (AdminUpdateUserAttributes): the next IdToken carries them."""
        try:
            self._client.admin_update_user_attributes(
                UserPoolId=self._user_pool_id,
                Username=user_id,
                UserAttributes=[
                    {"Name": ORGANIZATION_ATTRIBUTE, "Value": organization_id},
                    {"Name": ROLE_ATTRIBUTE, "Value": str(role)},
                ],
            )
        except ClientError as error:
            raise ProviderUnavailable(f"Cognito could not set the membership: {_code(error)}") from error

    def clear_membership(self, user_id: str) -> None:
        """Removes the user's organisation and role; a user Cognito no longer has has none to remove."""
        try:
            self._client.admin_delete_user_attributes(
                UserPoolId=self._user_pool_id,
                Username=user_id,
                UserAttributeNames=[ORGANIZATION_ATTRIBUTE, ROLE_ATTRIBUTE],
            )
        except self._client.exceptions.UserNotFoundException:
            return
        except ClientError as error:
            raise ProviderUnavailable(f"Cognito could not clear the membership: {_code(error)}") from error

    def invite(self, email: str, organization_id: str, role: Role) -> str:
        """Creates the user with their organisation and role (AdminCreateUser; Cognito e-mails the temporary
        password) and returns their sub. Conflict when the address already has an account: an existing user
        joins no organisation by someone else's say-so."""
        try:
            response = self._client.admin_create_user(
                UserPoolId=self._user_pool_id,
                Username=email,
                UserAttributes=[
                    {"Name": "email", "Value": email},
                    {"Name": "email_verified", "Value": "true"},
                    {"Name": ORGANIZATION_ATTRIBUTE, "Value": organization_id},
                    {"Name": ROLE_ATTRIBUTE, "Value": str(role)},
                ],
                DesiredDeliveryMediums=["EMAIL"],
            )
        except self._client.exceptions.UsernameExistsException as error:
            raise Conflict(f"{email} already has a Colmena account; it cannot be invited") from error
        except ClientError as error:
            raise ProviderUnavailable(f"Cognito could not create the user: {_code(error)}") from error
        attributes = {a["Name"]: a.get("Value", "") for a in response["User"].get("Attributes", [])}
        return attributes.get("sub") or response["User"]["Username"]

    def sign_out_everywhere(self, user_id: str) -> None:
        """Revokes every refresh token of the user (AdminUserGlobalSignOut); a user Cognito no longer has
        holds no session to revoke."""
        try:
            self._client.admin_user_global_sign_out(UserPoolId=self._user_pool_id, Username=user_id)
        except self._client.exceptions.UserNotFoundException:
            return
        except ClientError as error:
            raise ProviderUnavailable(f"Cognito could not sign the user out: {_code(error)}") from error


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", "unknown"))
