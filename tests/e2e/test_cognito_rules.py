"""What Cognito enforces, enforced on the local stack too (launcher patches 9 and 10, and what MiniStack does
natively under AUTH=true): the token types the API takes, the app client's WriteAttributes, the confirmation
state, a verified e-mail the same in the token and the profile, a changed e-mail held until verified, groups
in the ID token, and a global sign-out that ends refresh-token sessions."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
import requests

from tools.local_stack.process import PASSWORD, StackProcess, sign_in, sign_up_and_confirm

pytestmark = pytest.mark.e2e

CODE = "123456"  # the local pool's confirmation and verification code


def claims(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    decoded: dict[str, Any] = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return decoded


def tokens(cognito: Any, client_id: str, email: str) -> dict[str, str]:
    result: dict[str, str] = cognito.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": email, "PASSWORD": PASSWORD},
    )["AuthenticationResult"]
    return result


def get_me(local_stack: StackProcess, token: str) -> requests.Response:
    return requests.get(f"{local_stack.api}/me", headers={"Authorization": token}, timeout=30)


@pytest.mark.parametrize("kind", ["AccessToken", "RefreshToken"])
def test_the_api_refuses_an_access_or_refresh_token_as_authorization(
    local_stack: StackProcess, cognito: Any, client_id: str, email: str, kind: str
) -> None:
    sign_up_and_confirm(cognito, client_id, email)
    issued = tokens(cognito, client_id, email)

    answer = get_me(local_stack, issued[kind])

    assert answer.status_code == 401
    assert answer.json() == {"message": "Unauthorized"}
    assert get_me(local_stack, issued["IdToken"]).status_code == 200


@pytest.mark.parametrize("attribute", ["custom:role", "custom:organization_id", "email_verified"])
def test_sign_up_refuses_an_attribute_the_app_client_may_not_write(
    cognito: Any, client_id: str, email: str, attribute: str
) -> None:
    with pytest.raises(cognito.exceptions.NotAuthorizedException, match="attempted to write unauthorized attribute"):
        cognito.sign_up(
            ClientId=client_id,
            Username=email,
            Password=PASSWORD,
            UserAttributes=[{"Name": attribute, "Value": "true" if attribute == "email_verified" else "admin"}],
        )


def test_a_user_cannot_give_themselves_a_role_or_an_organisation(
    cognito: Any, client_id: str, pool_id: str, email: str
) -> None:
    sign_up_and_confirm(cognito, client_id, email)
    access_token = tokens(cognito, client_id, email)["AccessToken"]

    with pytest.raises(cognito.exceptions.NotAuthorizedException, match="attempted to write unauthorized attribute"):
        cognito.update_user_attributes(
            AccessToken=access_token,
            UserAttributes=[
                {"Name": "custom:role", "Value": "admin"},
                {"Name": "custom:organization_id", "Value": "o"},
            ],
        )

    attributes = cognito.admin_get_user(UserPoolId=pool_id, Username=email)["UserAttributes"]
    assert not {"custom:role", "custom:organization_id"} & {attribute["Name"] for attribute in attributes}


def test_confirming_a_confirmed_user_again_is_refused(cognito: Any, client_id: str, email: str) -> None:
    sign_up_and_confirm(cognito, client_id, email)

    with pytest.raises(cognito.exceptions.NotAuthorizedException, match="Current status is CONFIRMED"):
        cognito.confirm_sign_up(ClientId=client_id, Username=email, ConfirmationCode=CODE)


def test_admin_confirming_a_confirmed_user_again_is_refused(
    cognito: Any, client_id: str, pool_id: str, email: str
) -> None:
    sign_up_and_confirm(cognito, client_id, email)

    with pytest.raises(cognito.exceptions.NotAuthorizedException, match="Current status is CONFIRMED"):
        cognito.admin_confirm_sign_up(UserPoolId=pool_id, Username=email)


def test_a_sign_up_confirmed_with_its_code_is_verified_in_the_token_and_the_profile(
    local_stack: StackProcess, cognito: Any, client_id: str, email: str
) -> None:
    sign_up_and_confirm(cognito, client_id, email)

    token = sign_in(cognito, client_id, email)

    assert claims(token)["email_verified"] is True
    assert get_me(local_stack, token).json()["email_verified"] is True


def test_an_admin_confirmed_sign_up_is_unverified_in_the_token_and_the_profile(
    local_stack: StackProcess, cognito: Any, client_id: str, pool_id: str, email: str
) -> None:
    cognito.sign_up(ClientId=client_id, Username=email, Password=PASSWORD)
    cognito.admin_confirm_sign_up(UserPoolId=pool_id, Username=email)

    token = sign_in(cognito, client_id, email)

    assert claims(token)["email_verified"] is False
    assert get_me(local_stack, token).json()["email_verified"] is False


def test_a_changed_email_takes_effect_only_once_verified(
    cognito: Any, client_id: str, pool_id: str, email: str
) -> None:
    sign_up_and_confirm(cognito, client_id, email)
    access_token = tokens(cognito, client_id, email)["AccessToken"]
    new_email = "new-" + email

    pending = cognito.update_user_attributes(
        AccessToken=access_token, UserAttributes=[{"Name": "email", "Value": new_email}]
    )
    before = cognito.admin_get_user(UserPoolId=pool_id, Username=email)["UserAttributes"]
    cognito.verify_user_attribute(AccessToken=access_token, AttributeName="email", Code=CODE)
    after = cognito.admin_get_user(UserPoolId=pool_id, Username=new_email)["UserAttributes"]

    assert pending["CodeDeliveryDetailsList"][0]["AttributeName"] == "email"
    assert {"Name": "email", "Value": email} in before
    assert {"Name": "email_verified", "Value": "true"} in before
    assert {"Name": "email", "Value": new_email} in after
    assert {"Name": "email_verified", "Value": "true"} in after


def test_a_wrong_verification_code_changes_nothing(cognito: Any, client_id: str, pool_id: str, email: str) -> None:
    sign_up_and_confirm(cognito, client_id, email)
    access_token = tokens(cognito, client_id, email)["AccessToken"]
    cognito.update_user_attributes(AccessToken=access_token, UserAttributes=[{"Name": "email", "Value": "x" + email}])

    with pytest.raises(cognito.exceptions.CodeMismatchException):
        cognito.verify_user_attribute(AccessToken=access_token, AttributeName="email", Code="000000")

    attributes = cognito.admin_get_user(UserPoolId=pool_id, Username=email)["UserAttributes"]
    assert {"Name": "email", "Value": email} in attributes


def test_a_group_member_has_the_group_in_the_id_token(cognito: Any, client_id: str, pool_id: str, email: str) -> None:
    # MiniStack does this natively; the admin route depends on it.
    group = "admins-" + email.split("@")[0]
    cognito.create_group(UserPoolId=pool_id, GroupName=group)
    sign_up_and_confirm(cognito, client_id, email)
    cognito.admin_add_user_to_group(UserPoolId=pool_id, Username=email, GroupName=group)

    token = sign_in(cognito, client_id, email)

    assert claims(token)["cognito:groups"] == [group]


def test_a_global_sign_out_ends_the_refresh_token_session(
    cognito: Any, client_id: str, pool_id: str, email: str
) -> None:
    # MiniStack does this natively; suspension depends on it.
    sign_up_and_confirm(cognito, client_id, email)
    refresh_token = tokens(cognito, client_id, email)["RefreshToken"]

    cognito.admin_user_global_sign_out(UserPoolId=pool_id, Username=email)

    with pytest.raises(cognito.exceptions.NotAuthorizedException):
        cognito.initiate_auth(
            ClientId=client_id, AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={"REFRESH_TOKEN": refresh_token}
        )
