"""A bearer token that some routes ask for: the operators' pages (`SAGA_OPS_TOKEN`) and a
participant service's calls (`SAGA_SERVICE_TOKEN`)."""

import hmac
from typing import Annotated, Any

from fastapi import Depends, HTTPException
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer


def bearer_guard(token: str | None, scheme: str, setting: str, refusal: str) -> list[Any]:
    """The dependency that answers 401 (`refusal`, and `WWW-Authenticate: Bearer`) to a call
    without `Authorization: Bearer <token>`, when a token is set; none when it is not. FastAPI's
    bearer scheme, named `scheme`, says so in the OpenAPI document; the check is ours
    (auto_error off)."""
    if token is None:
        return []
    expected = token.encode()
    bearer = HTTPBearer(scheme_name=scheme, description=setting, auto_error=False)

    async def check(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    ) -> None:
        given = None if credentials is None else credentials.credentials.encode()
        if given is None or not hmac.compare_digest(given, expected):
            raise HTTPException(401, refusal, headers={"www-authenticate": "Bearer"})

    return [Depends(check)]
