"""The other direction of docs/openapi.yaml's contract, as a schemathesis check.

negative_data_rejection already checks that a request the schema refuses is refused. This check
asks the reverse: a request the schema accepts (a positive test case) is never answered
`invalid-request`, the problem for a malformed body or field. It may still be refused for what a
schema cannot know (a wrong code, an unknown activation token, a number that is not a mobile one,
a cursor this API did not hand out, a device key off its curve or a device id this user does not
have, a WebAuthn response for no ceremony in progress or with id and rawId apart, a security key id
this user does not have, a body over 4096 bytes as sent), each with its own status or
problem type.
"""

import json

import schemathesis
from hypothesis.internal import lambda_sources
from schemathesis import GenerationMode

# CPython 3.11 before 3.11.9 can raise "SystemError: AST constructor recursion depth mismatch" from
# ast.parse deep in a stack (gh-106905). Hypothesis parses a lambda's source only to describe a
# strategy in its repr; a failed description must not end the run.
_describe_lambda = lambda_sources._lambda_description


def _describe_lambda_safely(f, *args, **kwargs):
    try:
        return _describe_lambda(f, *args, **kwargs)
    except SystemError:
        return "lambda: <source not described>"


lambda_sources._lambda_description = _describe_lambda_safely

# What the schema cannot express, per operation: the fields whose invalid-request is semantic.
SEMANTIC_FIELDS = {
    "GET /2fa/activity": {"cursor"},
    # A P-256 point in the right form may still lie off the curve.
    "POST /2fa/devices": {"publicKey"},
    # An id in the right form that names no device of this user.
    "POST /2fa/devices/revoke": {"id"},
    # A WebAuthn response in the right form is still checked against what the schema cannot hold:
    # the ceremony in progress (challenge, origin, RP id, signature) and id == rawId.
    "POST /2fa/webauthn/register": {"credential"},
    "POST /2fa/verify": {"webauthn"},
    # An id in the right form that names no security key of this user.
    "POST /2fa/webauthn/credentials/remove": {"id"},
    "POST /2fa/webauthn/credentials/rename": {"id"},
}


@schemathesis.check
def valid_data_is_never_malformed(ctx, response, case):
    if case.meta is None or case.meta.generation.mode != GenerationMode.POSITIVE:
        return None
    if response.status_code != 400:
        return None
    try:
        problem = json.loads(response.text)
    except ValueError:
        return None
    if problem.get("type") != "urn:twofa:problem:invalid-request":
        return None
    label = f"{case.method.upper()} {case.path}"
    if problem.get("field") in SEMANTIC_FIELDS.get(label, set()):
        return None
    raise AssertionError(
        f"{label}: a request docs/openapi.yaml accepts was answered invalid-request"
        f" (field {problem.get('field')!r}: {problem.get('detail')})"
    )
