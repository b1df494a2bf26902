import pytest

from goodwill.access.roles import Role, allows, hash_secret, new_secret, split_token


@pytest.mark.parametrize(
    ("held", "required", "allowed"),
    [
        (Role.AGENT, Role.AGENT, True),
        (Role.AGENT, Role.SUPERVISOR, False),
        (Role.SUPERVISOR, Role.AGENT, True),
        (Role.MANAGER, Role.SUPERVISOR, True),
        (Role.MANAGER, Role.ADMIN, False),
        (Role.ADMIN, Role.INTEGRATION, True),
        (Role.INTEGRATION, Role.AGENT, False),
        (Role.AGENT, Role.INTEGRATION, False),
    ],
)
def test_role_grants(held: Role, required: Role, allowed: bool) -> None:
    assert allows(held, required) is allowed


def test_tokens_are_unique_and_hashes_depend_on_the_server_secret() -> None:
    prefix, token = new_secret()
    assert split_token(token) == prefix
    assert new_secret()[1] != token
    assert hash_secret(token, "a" * 32) != hash_secret(token, "b" * 32)
    assert split_token("gw_short.x") is None
