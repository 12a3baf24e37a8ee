"""The Lamina client: one sync and one async method per API, the account and jobs routes, retries of 429 and 503."""

from __future__ import annotations

import base64
import json
import os
import random
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Mapping, Optional, TypedDict, Union

from .types import (
    API_PATHS,
    AsyncAccepted,
    DocumentExtractionData,
    DocumentExtractionRequest,
    DocumentGenerationRequest,
    DocumentToMarkdownData,
    DocumentToMarkdownRequest,
    ImageGenerationRequest,
    ImageTransformationRequest,
    Job,
    MeData,
    SheetGenerationRequest,
    WebhookSecretData,
    WebsiteExtractionData,
    WebsiteExtractionRequest,
    WebsiteMetadata,
)

__all__ = ["Lamina", "LaminaError", "BinaryOutput", "WebsiteExtraction", "download_result"]

SDK_VERSION = "0.1.0"
_CLIENT_HEADER = f"sdk-python/{SDK_VERSION}"
_RETRY_BASE_SECONDS = 0.5
_ASYNC_FIELDS = ("webhook_url", "webhook_auth_header_name", "webhook_auth_header_value", "result_delivery")


class LaminaError(Exception):
    """Any failed call: ``status`` is the HTTP status (0 when no response came back), ``message`` the server's."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message

    def __repr__(self) -> str:
        return f"LaminaError(status={self.status!r}, message={self.message!r})"


class BinaryOutput(TypedDict):
    """A binary result with its bytes decoded."""

    buffer: bytes
    mime_type: str


class WebsiteExtraction(TypedDict):
    """``extract_website_with_metadata``'s answer: the fields and the page's metadata."""

    data: WebsiteExtractionData
    metadata: WebsiteMetadata


def _decode_data(data: Any) -> Any:
    if isinstance(data, dict) and isinstance(data.get("buffer"), str) and "mime_type" in data:
        return {"buffer": base64.b64decode(data["buffer"]), "mime_type": str(data["mime_type"])}
    return data


def _request_body(request: Optional[Mapping[str, Any]], fields: Mapping[str, Any]) -> dict[str, Any]:
    body: dict[str, Any] = dict(request or {})
    body.update(fields)
    return body


def _sync_body(request: Optional[Mapping[str, Any]], fields: Mapping[str, Any]) -> dict[str, Any]:
    """The body of a sync call; the async-only fields are refused before anything is sent."""
    body = _request_body(request, fields)
    for name in _ASYNC_FIELDS:
        if name in body:
            raise ValueError(f"{name} belongs to async mode: use the method's _async variant")
    return body


def _error_of(status: int, raw: bytes) -> LaminaError:
    try:
        parsed = json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        parsed = None
    message = parsed.get("error") if isinstance(parsed, dict) else None
    return LaminaError(status, message if isinstance(message, str) else f"HTTP {status}")


def _retry_delay(attempt: int, retry_after: Optional[str], max_delay: float) -> float:
    asked = float(retry_after.strip()) if retry_after and retry_after.strip().isdigit() else 0.0
    backoff = _RETRY_BASE_SECONDS * 2**attempt * (1 + random.random() * 0.2)
    return min(max(asked, backoff), max_delay)


class _Response:
    def __init__(self, status: int, headers: Mapping[str, str], body: bytes) -> None:
        self.status = status
        self.headers = {name.lower(): value for name, value in headers.items()}
        self.body = body


def _open(request: urllib.request.Request, timeout: float) -> _Response:
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return _Response(response.status, dict(response.headers.items()), response.read())
    except urllib.error.HTTPError as error:
        with error:
            return _Response(error.code, dict(error.headers.items()), error.read())
    except TimeoutError as error:
        raise LaminaError(0, f"Request timed out after {timeout:g} s") from error
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError):
            raise LaminaError(0, f"Request timed out after {timeout:g} s") from error
        raise LaminaError(0, f"Request failed: {error.reason}") from error
    except OSError as error:
        raise LaminaError(0, f"Request failed: {error}") from error


class Lamina:
    """A client for one deployment.

    ``base_url`` defaults to the ``LAMINA_BASE_URL`` environment variable. ``timeout`` (seconds, default 300) is per
    request; ``max_retries`` (default 3) retries of a 429 or 503, waiting as ``Retry-After`` asks, up to
    ``max_retry_delay`` seconds (default 20). Other errors are never retried.
    """

    def __init__(
        self,
        api_key: str,
        base_url: Optional[str] = None,
        *,
        timeout: float = 300.0,
        max_retries: int = 3,
        max_retry_delay: float = 20.0,
    ) -> None:
        if not api_key:
            raise ValueError("Lamina: api_key is required")
        base_url = base_url or os.environ.get("LAMINA_BASE_URL")
        if not base_url:
            raise ValueError("Lamina: base_url is required (pass base_url= or set the LAMINA_BASE_URL environment variable)")
        self._api_key = api_key
        self._base_url = base_url.rstrip("/")
        self._timeout = timeout
        self._max_retries = max_retries
        self._max_retry_delay = max_retry_delay

    # Image generation
    def generate_image(self, request: Optional[ImageGenerationRequest] = None, /, **fields: Any) -> BinaryOutput:
        """Renders an image from layers; the bytes come back decoded."""
        return self._sync("ImageGeneration", request, fields)

    def generate_image_async(self, request: Optional[ImageGenerationRequest] = None, /, **fields: Any) -> AsyncAccepted:
        """Accepts an image job (``webhook_url`` required): ``{success, async, message, job_id}``."""
        return self._async("ImageGeneration", request, fields)

    # Document extraction
    def extract_document(self, request: Optional[DocumentExtractionRequest] = None, /, **fields: Any) -> DocumentExtractionData:
        """Typed fields from documents: ``{name: {type, value, confidence, citations, source}}``."""
        return self._sync("DocumentExtraction", request, fields)

    def extract_document_async(self, request: Optional[DocumentExtractionRequest] = None, /, **fields: Any) -> AsyncAccepted:
        return self._async("DocumentExtraction", request, fields)

    # Image transformation
    def transform_image(self, request: Optional[ImageTransformationRequest] = None, /, **fields: Any) -> BinaryOutput:
        """Applies 1–30 operations to one image; the bytes come back decoded."""
        return self._sync("ImageTransformation", request, fields)

    def transform_image_async(self, request: Optional[ImageTransformationRequest] = None, /, **fields: Any) -> AsyncAccepted:
        return self._async("ImageTransformation", request, fields)

    # Document to markdown
    def convert_document_to_markdown(self, request: Optional[DocumentToMarkdownRequest] = None, /, **fields: Any) -> DocumentToMarkdownData:
        """One document as markdown: ``{name, mime_type, markdown, description?}``."""
        return self._sync("DocumentToMarkdown", request, fields)

    def convert_document_to_markdown_async(self, request: Optional[DocumentToMarkdownRequest] = None, /, **fields: Any) -> AsyncAccepted:
        return self._async("DocumentToMarkdown", request, fields)

    # Website extraction
    def extract_website(self, request: Optional[WebsiteExtractionRequest] = None, /, **fields: Any) -> WebsiteExtractionData:
        """Typed fields from one web page (as ``extract_document``)."""
        return self._sync("WebsiteExtraction", request, fields)

    def extract_website_with_metadata(self, request: Optional[WebsiteExtractionRequest] = None, /, **fields: Any) -> "WebsiteExtraction":
        """``{data, metadata}``: the fields and the page's metadata (Open Graph, JSON-LD, links, ...)."""
        response = self._request("POST", API_PATHS["WebsiteExtraction"], _sync_body(request, fields))
        return {"data": response["data"], "metadata": response.get("metadata")}

    def extract_website_async(self, request: Optional[WebsiteExtractionRequest] = None, /, **fields: Any) -> AsyncAccepted:
        return self._async("WebsiteExtraction", request, fields)

    # Document generation
    def generate_document(self, request: Optional[DocumentGenerationRequest] = None, /, **fields: Any) -> BinaryOutput:
        """A PDF, DOCX, EPUB or PPTX; the bytes come back decoded."""
        return self._sync("DocumentGeneration", request, fields)

    def generate_document_async(self, request: Optional[DocumentGenerationRequest] = None, /, **fields: Any) -> AsyncAccepted:
        return self._async("DocumentGeneration", request, fields)

    # Sheet generation
    def generate_sheet(self, request: Optional[SheetGenerationRequest] = None, /, **fields: Any) -> BinaryOutput:
        """An XLSX, CSV or Markdown sheet; the bytes come back decoded."""
        return self._sync("SheetGeneration", request, fields)

    def generate_sheet_async(self, request: Optional[SheetGenerationRequest] = None, /, **fields: Any) -> AsyncAccepted:
        return self._async("SheetGeneration", request, fields)

    # Account, jobs, webhook secret
    def me(self) -> MeData:
        """The account behind the key: credits, rate limit, the key's budget cap and spend this month."""
        return self._request("GET", "/v1/me")["data"]

    def get_job(self, job_id: str) -> Job:
        """An async job's status, delivery status and delivery attempts."""
        return self._request("GET", f"/v1/jobs/{urllib.parse.quote(job_id, safe='')}")["data"]

    def get_job_result(self, job_id: str) -> Union[BinaryOutput, dict[str, Any]]:
        """A finished job's retained result: ``{buffer, mime_type}`` for a binary one, ``{data, metadata?}`` for JSON."""
        response = self._send("GET", f"/v1/jobs/{urllib.parse.quote(job_id, safe='')}/result", None, "*/*")
        if response.status >= 400:
            raise _error_of(response.status, response.body)
        content_type = response.headers.get("content-type", "application/octet-stream")
        if content_type.startswith("application/json"):
            parsed = json.loads(response.body)
            result = {"data": parsed["data"]}
            if "metadata" in parsed:
                result["metadata"] = parsed["metadata"]
            return result
        return {"buffer": response.body, "mime_type": content_type}

    def redeliver(self, job_id: str) -> dict[str, Any]:
        """Delivers a finished job's retained result to its webhook once more (free)."""
        return self._request("POST", f"/v1/jobs/{urllib.parse.quote(job_id, safe='')}/redeliver")["data"]

    def get_webhook_secret(self) -> WebhookSecretData:
        """The ``whsec_`` secret that signs your deliveries (created on first use)."""
        return self._request("GET", "/v1/webhook-secret")["data"]

    def rotate_webhook_secret(self) -> WebhookSecretData:
        """A new secret; the old one keeps signing alongside for 24 hours."""
        return self._request("POST", "/v1/webhook-secret/rotate")["data"]

    # Plumbing
    def _sync(self, api: str, request: Optional[Mapping[str, Any]], fields: Mapping[str, Any]) -> Any:
        return _decode_data(self._request("POST", API_PATHS[api], _sync_body(request, fields))["data"])

    def _async(self, api: str, request: Optional[Mapping[str, Any]], fields: Mapping[str, Any]) -> Any:
        body = _request_body(request, fields)
        if not body.get("webhook_url"):
            raise ValueError("webhook_url is required for an async request")
        return self._request("POST", API_PATHS[api], body)

    def _request(self, method: str, path: str, body: Any = None) -> dict[str, Any]:
        response = self._send(method, path, body, "application/json")
        try:
            parsed = json.loads(response.body.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            parsed = None
        if response.status >= 400 or not isinstance(parsed, dict) or parsed.get("success") is not True:
            raise _error_of(response.status, response.body)
        return parsed

    def _send(self, method: str, path: str, body: Any, accept: str) -> _Response:
        headers = {"Authorization": f"Bearer {self._api_key}", "Accept": accept, "X-Lamina-Client": _CLIENT_HEADER}
        data = None
        if body is not None:
            headers["Content-Type"] = "application/json"
            data = json.dumps(body).encode("utf-8")
        deadline = time.monotonic() + self._timeout
        attempt = 0
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise LaminaError(0, f"Request timed out after {self._timeout:g} s")
            request = urllib.request.Request(f"{self._base_url}{path}", data=data, headers=headers, method=method)
            response = _open(request, remaining)
            if response.status in (429, 503) and attempt < self._max_retries:
                delay = _retry_delay(attempt, response.headers.get("retry-after"), self._max_retry_delay)
                if time.monotonic() + delay >= deadline:
                    raise LaminaError(0, "Request timed out while waiting to retry")
                time.sleep(delay)
                attempt += 1
                continue
            return response


def download_result(link: Union[str, Mapping[str, Any]], *, timeout: float = 300.0) -> BinaryOutput:
    """The bytes behind a ``result_delivery: "url"`` webhook's ``data`` (or its ``url``), without an API key.

    After the link's ``expires_at``, or when it was altered, a ``LaminaError`` with status 403.
    """
    url = link if isinstance(link, str) else str(link["url"])
    request = urllib.request.Request(url, headers={"Accept": "*/*", "X-Lamina-Client": _CLIENT_HEADER}, method="GET")
    response = _open(request, timeout)
    if response.status >= 400:
        raise _error_of(response.status, response.body)
    return {"buffer": response.body, "mime_type": response.headers.get("content-type", "application/octet-stream")}
