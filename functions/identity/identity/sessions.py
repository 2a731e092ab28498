"""Cognito sessions of a user, as the back office ends them."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient


class CognitoSessions:
    def __init__(self, client: CognitoIdentityProviderClient, user_pool_id: str) -> None:
        self._client = client
        self._user_pool_id = user_pool_id

    def sign_out_everywhere(self, username: str) -> None:
        """Revokes every refresh token of the user (AdminUserGlobalSignOut). A user Cognito no longer has
        holds no session, so there is nothing left to revoke."""
        try:
            self._client.admin_user_global_sign_out(UserPoolId=self._user_pool_id, Username=username)
        except self._client.exceptions.UserNotFoundException:
            return
