"""Standard Webhooks verification of Lamina's deliveries, in constant time, with the standard library only."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import time
from typing import Any, Mapping, Optional, Union

__all__ = ["verify_webhook", "WebhookVerificationError"]

_BASE64 = re.compile(r"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$")


class WebhookVerificationError(Exception):
    """A delivery that failed verification: wrong or missing signature, stale timestamp."""


def _secret_key(secret: str) -> bytes:
    """The HMAC key of a ``whsec_`` secret. A malformed secret is an error, never a weak key."""
    if not isinstance(secret, str) or not secret.startswith("whsec_"):
        raise ValueError("Malformed webhook secret: expected whsec_ followed by base64")
    encoded = secret[len("whsec_") :]
    if not _BASE64.match(encoded):
        raise ValueError("Malformed webhook secret: the part after whsec_ is not valid base64")
    key = base64.b64decode(encoded)
    if len(key) < 24:
        raise ValueError("Malformed webhook secret: shorter than 24 bytes")
    return key


def _header(headers: Mapping[str, Any], name: str) -> Optional[str]:
    getter = getattr(headers, "get", None)
    for key in headers.keys():
        if key.lower() == name:
            value = headers[key]
            return " ".join(value) if isinstance(value, (list, tuple)) else str(value)
    return getter(name) if getter else None


def verify_webhook(
    raw_body: Union[str, bytes],
    headers: Mapping[str, Any],
    secret: str,
    *,
    tolerance_seconds: int = 300,
    now: Optional[float] = None,
) -> dict[str, Any]:
    """Verifies a delivery and returns its payload.

    Checks every ``v1,`` signature in ``webhook-signature`` in constant time against HMAC-SHA256 of
    ``{webhook-id}.{webhook-timestamp}.{body}``, and that the timestamp is within ``tolerance_seconds``. Pass the
    raw body exactly as received (re-serialised JSON does not verify).
    """
    key = _secret_key(secret)
    message_id = _header(headers, "webhook-id")
    timestamp = _header(headers, "webhook-timestamp")
    signatures = _header(headers, "webhook-signature")
    if not message_id or not timestamp or not signatures:
        raise WebhookVerificationError("Missing webhook-id, webhook-timestamp or webhook-signature header")
    current = int(now if now is not None else time.time())
    if not timestamp.isdigit() or abs(current - int(timestamp)) > tolerance_seconds:
        raise WebhookVerificationError("Webhook timestamp is outside the tolerance")
    body = raw_body if isinstance(raw_body, bytes) else raw_body.encode("utf-8")
    expected = hmac.new(key, f"{message_id}.{timestamp}.".encode("utf-8") + body, hashlib.sha256).digest()
    matched = False
    for entry in signatures.split(" "):
        version, _, signature = entry.partition(",")
        if version != "v1" or not signature or not _BASE64.match(signature):
            continue
        try:
            candidate = base64.b64decode(signature)
        except binascii.Error:
            continue
        # Every signature is compared, so the time taken does not tell which one matched.
        matched = hmac.compare_digest(candidate, expected) or matched
    if not matched:
        raise WebhookVerificationError("No matching webhook signature")
    return json.loads(body.decode("utf-8"))
