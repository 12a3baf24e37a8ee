"""The Python SDK against a real Lamina (``npm run test:sdks`` starts ``wrangler dev`` and sets the environment).

LAMINA_BASE_URL, LAMINA_API_KEY (an account with credits), LAMINA_SITE_URL (a product page the stack serves),
LAMINA_OPENAPI (the committed OpenAPI document, for the registry examples).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.server
import json
import os
import threading
import time
import unittest
import zipfile
import io

from lamina import API_PATHS, Lamina, LaminaError, WebhookVerificationError, download_result, verify_webhook

BASE_URL = os.environ.get("LAMINA_BASE_URL", "")
API_KEY = os.environ.get("LAMINA_API_KEY", "")
SITE_URL = os.environ.get("LAMINA_SITE_URL", "")


def load_examples() -> dict[str, dict]:
    with open(os.environ["LAMINA_OPENAPI"], encoding="utf-8") as file:
        document = json.load(file)
    examples = {}
    for path, methods in document["paths"].items():
        operation = methods.get("post")
        # An API route answers 200 (sync) and 201 (async); legacy aliases are deprecated.
        if not operation or operation.get("deprecated") or not {"200", "201"} <= set(operation["responses"]):
            continue
        examples[path] = operation["requestBody"]["content"]["application/json"]["schema"]["example"]
    return examples


class Receiver:
    """A webhook receiver on localhost (the stack's DEV_HOSTS lets deliveries reach it over http)."""

    def __init__(self) -> None:
        self.deliveries: list[tuple[dict[str, str], bytes]] = []
        self.condition = threading.Condition()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (the standard library's name)
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with receiver.condition:
                    receiver.deliveries.append(({k.lower(): v for k, v in self.headers.items()}, body))
                    receiver.condition.notify_all()
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://localhost:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait(self, count: int, timeout: float = 60.0) -> list[tuple[dict[str, str], bytes]]:
        with self.condition:
            self.condition.wait_for(lambda: len(self.deliveries) >= count, timeout)
        if len(self.deliveries) < count:
            raise AssertionError(f"waited {timeout} s for {count} deliveries, got {len(self.deliveries)}")
        return self.deliveries

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class AgainstTheWorker(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        if not (BASE_URL and API_KEY and SITE_URL):
            raise RuntimeError("these tests need a running Lamina: run them with `npm run test:sdks`")
        cls.client = Lamina(api_key=API_KEY, base_url=BASE_URL)
        cls.examples = load_examples()
        cls.receiver = Receiver()

    @classmethod
    def tearDownClass(cls) -> None:
        cls.receiver.close()

    def test_the_async_snippet_runs_as_written_and_its_webhook_verifies(self) -> None:
        # The async-mode page's Python snippet, but for the class name, the key and base_url.
        client = Lamina(api_key=API_KEY, base_url=BASE_URL)
        result = client.generate_image_async(webhook_url=self.receiver.url,
            dimensions={"width_in_px": 800, "height_in_px": 600},
            layers=[{"index": 0, "type": "solid-color-background", "hex_color": "#FFFFFF"}], output_format="png")
        self.assertEqual(result["message"], "Request accepted. Results will be delivered to the provided webhook URL.")
        self.assertTrue(result["async"])
        secret = client.get_webhook_secret()["secret"]
        deadline = time.time() + 60
        while time.time() < deadline:
            mine = [d for d in self.receiver.deliveries if d[0].get("webhook-id") == result["job_id"]]
            if mine:
                break
            time.sleep(0.2)
        self.assertTrue(mine, "the webhook arrived")
        headers, body = mine[0]
        payload = verify_webhook(body, headers, secret)
        self.assertEqual((payload["success"], payload["api"], payload["job_id"]), (True, "image_generation", result["job_id"]))
        png = base64.b64decode(payload["data"]["buffer"])
        self.assertEqual(png[:8], b"\x89PNG\r\n\x1a\n")
        self.assertEqual(int.from_bytes(png[16:20], "big"), 800)
        self.assertEqual(int.from_bytes(png[20:24], "big"), 600)
        with self.assertRaises(WebhookVerificationError):
            verify_webhook(body + b" ", headers, secret)
        job = client.get_job(result["job_id"])
        self.assertEqual(job["status"], "succeeded")

    def test_a_sync_call_of_every_api(self) -> None:
        examples = self.examples
        self.assertEqual(set(examples), set(API_PATHS.values()))
        image = self.client.generate_image(examples[API_PATHS["ImageGeneration"]])
        self.assertEqual(image["mime_type"], "image/png")
        self.assertEqual(int.from_bytes(image["buffer"][16:20], "big"), 800)

        fields = self.client.extract_document(examples[API_PATHS["DocumentExtraction"]])
        self.assertEqual(fields["invoice_number"]["value"], "A-1")

        transformed = self.client.transform_image(examples[API_PATHS["ImageTransformation"]])
        self.assertEqual(transformed["mime_type"], "image/webp")
        self.assertEqual(transformed["buffer"][:4], b"RIFF")

        markdown = self.client.convert_document_to_markdown(examples[API_PATHS["DocumentToMarkdown"]])
        self.assertIn("# Release notes", markdown["markdown"])

        website = dict(examples[API_PATHS["WebsiteExtraction"]], file={"type": "url", "url": SITE_URL})
        extracted = self.client.extract_website(website)
        self.assertEqual(extracted["product"]["value"], "Widget")
        with_metadata = self.client.extract_website_with_metadata(website)
        self.assertEqual(with_metadata["metadata"]["final_url"], SITE_URL)

        document = self.client.generate_document(examples[API_PATHS["DocumentGeneration"]])
        self.assertEqual((document["mime_type"], document["buffer"][:5]), ("application/pdf", b"%PDF-"))

        sheet = self.client.generate_sheet(examples[API_PATHS["SheetGeneration"]])
        workbook = zipfile.ZipFile(io.BytesIO(sheet["buffer"]))
        self.assertIn("xl/worksheets/sheet1.xml", workbook.namelist())
        self.assertIn(b"Acme Corp", workbook.read("xl/sharedStrings.xml"))

    def test_every_async_method_accepts_a_job(self) -> None:
        for name, path in API_PATHS.items():
            method = getattr(self.client, f"{snake(name)}_async")
            request = dict(self.examples[path])
            if name == "WebsiteExtraction":
                request["file"] = {"type": "url", "url": SITE_URL}
            accepted = method(request, webhook_url=self.receiver.url)
            self.assertEqual(accepted["success"], True, name)
            self.assertRegex(accepted["job_id"], r"^[0-9a-f-]{36}$")

    def test_result_by_signed_link_and_with_the_key(self) -> None:
        accepted = self.client.generate_image_async(self.examples[API_PATHS["ImageGeneration"]], webhook_url=self.receiver.url, result_delivery="url")
        deadline = time.time() + 60
        mine = []
        while time.time() < deadline and not mine:
            mine = [d for d in self.receiver.deliveries if d[0].get("webhook-id") == accepted["job_id"]]
            time.sleep(0.2)
        payload = verify_webhook(mine[0][1], mine[0][0], self.client.get_webhook_secret()["secret"])
        link = payload["data"]
        self.assertNotIn("buffer", link)
        downloaded = download_result(link)
        self.assertEqual((downloaded["mime_type"], len(downloaded["buffer"])), ("image/png", link["size_bytes"]))
        self.assertEqual(self.client.get_job_result(accepted["job_id"])["buffer"], downloaded["buffer"])
        with self.assertRaises(LaminaError) as refused:
            download_result(link["url"].replace("signature=", "signature=x"))
        self.assertEqual(refused.exception.status, 403)

    def test_me_redeliver_and_the_webhook_secret(self) -> None:
        me = self.client.me()
        self.assertGreater(me["credits"], 0)
        self.assertIn("spent_this_month", me["api_key"])
        first = self.client.get_webhook_secret()
        self.assertTrue(first["secret"].startswith("whsec_"))
        with self.assertRaises(LaminaError) as missing:
            self.client.redeliver("00000000-0000-4000-8000-000000000000")
        self.assertEqual(missing.exception.status, 404)

    def test_errors_carry_the_status_and_the_servers_message(self) -> None:
        with self.assertRaises(LaminaError) as invalid:
            self.client.generate_image(dimensions={"width_in_px": 0, "height_in_px": 1}, layers=[])
        self.assertEqual(invalid.exception.status, 400)
        self.assertIn("dimensions.width_in_px", invalid.exception.message)
        with self.assertRaises(LaminaError) as unauthorized:
            Lamina(api_key="il_nope", base_url=BASE_URL).me()
        self.assertEqual(unauthorized.exception.status, 401)
        with self.assertRaises(ValueError):
            self.client.generate_image(webhook_url=self.receiver.url)

    def test_timeouts_are_configurable(self) -> None:
        with self.assertRaises(LaminaError) as timed_out:
            Lamina(api_key=API_KEY, base_url=BASE_URL, timeout=0.001).generate_image(self.examples[API_PATHS["DocumentGeneration"]])
        self.assertEqual(timed_out.exception.status, 0)


class Retries(unittest.TestCase):
    """429 and 503 are retried as Retry-After asks; other errors never are (a local server stands in)."""

    def serve(self, answers: list[tuple[int, dict[str, str], bytes]]) -> tuple[str, list[float]]:
        calls: list[float] = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                calls.append(time.monotonic())
                status, headers, body = answers[min(len(calls) - 1, len(answers) - 1)]
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)
        return f"http://127.0.0.1:{server.server_address[1]}", calls

    def test_retries_429_honouring_retry_after_then_succeeds(self) -> None:
        ok = json.dumps({"success": True, "data": {"credits": 3}}).encode()
        limited = json.dumps({"success": False, "error": "Rate limit exceeded"}).encode()
        url, calls = self.serve([(429, {"Retry-After": "1"}, limited), (200, {"Content-Type": "application/json"}, ok)])
        self.assertEqual(Lamina(api_key="il_x", base_url=url).me(), {"credits": 3})
        self.assertEqual(len(calls), 2)
        self.assertGreaterEqual(calls[1] - calls[0], 0.95)

    def test_gives_up_after_max_retries_and_never_retries_a_400(self) -> None:
        limited = json.dumps({"success": False, "error": "Rate limit exceeded"}).encode()
        url, calls = self.serve([(429, {}, limited)])
        with self.assertRaises(LaminaError) as error:
            Lamina(api_key="il_x", base_url=url, max_retries=2, max_retry_delay=0.05).me()
        self.assertEqual((error.exception.status, error.exception.message, len(calls)), (429, "Rate limit exceeded", 3))
        bad = json.dumps({"success": False, "error": "nope"}).encode()
        url, calls = self.serve([(400, {}, bad)])
        with self.assertRaises(LaminaError):
            Lamina(api_key="il_x", base_url=url).me()
        self.assertEqual(len(calls), 1)


class VerifyWebhook(unittest.TestCase):
    # The known-answer vector of the Standard Webhooks specification's libraries.
    SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
    TIMESTAMP = "1614265330"
    BODY = '{"test": 2432232314}'
    SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="

    def headers(self, signature: str = SIGNATURE, timestamp: str = TIMESTAMP) -> dict[str, str]:
        return {"webhook-id": self.ID, "webhook-timestamp": timestamp, "webhook-signature": signature}

    def test_the_known_answer_vector(self) -> None:
        payload = verify_webhook(self.BODY, self.headers(), self.SECRET, now=int(self.TIMESTAMP))
        self.assertEqual(payload, {"test": 2432232314})

    def test_any_of_several_signatures_bytes_or_text(self) -> None:
        headers = self.headers(f"v1,bm9wZQ== {self.SIGNATURE}")
        self.assertEqual(verify_webhook(self.BODY.encode(), headers, self.SECRET, now=int(self.TIMESTAMP)), {"test": 2432232314})

    def test_refuses_tampering_a_wrong_secret_a_stale_timestamp_and_missing_headers(self) -> None:
        now = int(self.TIMESTAMP)
        with self.assertRaises(WebhookVerificationError):
            verify_webhook(self.BODY + " ", self.headers(), self.SECRET, now=now)
        other = "whsec_" + base64.b64encode(b"x" * 32).decode()
        with self.assertRaises(WebhookVerificationError):
            verify_webhook(self.BODY, self.headers(), other, now=now)
        with self.assertRaises(WebhookVerificationError):
            verify_webhook(self.BODY, self.headers(), self.SECRET, now=now + 301)
        with self.assertRaises(WebhookVerificationError):
            verify_webhook(self.BODY, {"webhook-id": self.ID}, self.SECRET, now=now)
        # A signature made for the right body but another timestamp.
        key = base64.b64decode(self.SECRET[len("whsec_"):])
        forged = base64.b64encode(hmac.new(key, f"{self.ID}.{now + 1}.{self.BODY}".encode(), hashlib.sha256).digest()).decode()
        with self.assertRaises(WebhookVerificationError):
            verify_webhook(self.BODY, self.headers(f"v1,{forged}"), self.SECRET, now=now)

    def test_a_malformed_secret_is_an_error_never_a_weak_key(self) -> None:
        for secret in ["", "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_not base64!", "whsec_c2hvcnQ="]:
            with self.assertRaises(ValueError):
                verify_webhook(self.BODY, self.headers(), secret, now=int(self.TIMESTAMP))


def snake(name: str) -> str:
    """ImageGeneration → image_generation; the Python method prefix is the TypeScript one in snake_case."""
    verbs = {
        "ImageGeneration": "generate_image",
        "DocumentExtraction": "extract_document",
        "ImageTransformation": "transform_image",
        "DocumentToMarkdown": "convert_document_to_markdown",
        "WebsiteExtraction": "extract_website",
        "DocumentGeneration": "generate_document",
        "SheetGeneration": "generate_sheet",
    }
    return verbs[name]


if __name__ == "__main__":
    unittest.main()
