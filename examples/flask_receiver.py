"""A Lamina webhook receiver in Flask: verifies each delivery with the Python SDK and deduplicates on webhook-id.

    pip install --no-build-isolation ../sdk-python flask
    LAMINA_WEBHOOK_SECRET=whsec_... flask --app flask_receiver run --port 3000
"""

import os

from flask import Flask, request

from lamina import WebhookVerificationError, download_result, verify_webhook

secret = os.environ["LAMINA_WEBHOOK_SECRET"]  # whsec_... from GET /v1/webhook-secret
seen: set[str] = set()
app = Flask(__name__)


@app.post("/webhooks/lamina")
def lamina_webhook():
    try:
        # The raw body: re-serialised JSON would not verify.
        payload = verify_webhook(request.get_data(), request.headers, secret)
    except WebhookVerificationError:
        return "invalid signature", 400
    # Deliveries are at least once: the webhook-id (the job id) is the same on every retry.
    if payload["job_id"] not in seen:
        seen.add(payload["job_id"])
        data = payload.get("data")
        if not payload["success"]:
            print(f"{payload['api']} {payload['job_id']} failed: {payload['error']['message']}")
        elif isinstance(data, dict) and "url" in data and "buffer" not in data:
            # result_delivery "url": a signed link instead of the base64, valid until data["expires_at"].
            result = download_result(data)
            print(f"{payload['api']} {payload['job_id']}: {len(result['buffer'])} bytes of {result['mime_type']}, downloaded")
        elif isinstance(data, dict) and "buffer" in data:
            print(f"{payload['api']} {payload['job_id']}: a {data['mime_type']} result")
        else:
            print(f"{payload['api']} {payload['job_id']}: {str(data)[:200]}")
    return "ok", 200
