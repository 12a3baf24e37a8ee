"""Lamina: a Python client for the Lamina API (wire-compatible with Iteration Layer), standard library only."""

from .types import API_PATHS
from .client import BinaryOutput, Lamina, LaminaError, download_result
from .webhooks import WebhookVerificationError, verify_webhook

__all__ = [
    "API_PATHS",
    "BinaryOutput",
    "Lamina",
    "LaminaError",
    "WebhookVerificationError",
    "download_result",
    "verify_webhook",
]
__version__ = "0.1.0"
