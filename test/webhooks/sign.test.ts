import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { generateWebhookSecret, signatureHeader, signWebhook } from "../../src/webhooks/sign";

describe("signWebhook", () => {
  it("matches the Standard Webhooks known-answer vector", async () => {
    const signature = await signWebhook(
      "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
      "msg_p5jXN8AQM9LWM0D4loKWxJek",
      1614265330,
      '{"test": 2432232314}',
    );
    expect(signature).toBe("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  });

  it("produces what the standardwebhooks library verifies, with either of two secrets", async () => {
    const [current, previous] = [generateWebhookSecret(), generateWebhookSecret()];
    const timestamp = Math.floor(Date.now() / 1000);
    const body = JSON.stringify({ success: true, api: "image_generation", job_id: "j1", data: {} });
    const headers = {
      "webhook-id": "j1",
      "webhook-timestamp": String(timestamp),
      "webhook-signature": await signatureHeader([current, previous], "j1", timestamp, body),
    };
    expect(headers["webhook-signature"].split(" ")).toHaveLength(2);
    expect(new Webhook(current).verify(body, headers)).toEqual(JSON.parse(body));
    expect(new Webhook(previous).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(generateWebhookSecret()).verify(body, headers)).toThrow();
    expect(() => new Webhook(current).verify(body.replace("j1", "j2"), headers)).toThrow();
  });

  it("makes whsec_ secrets of 32 random bytes and refuses malformed ones", async () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(generateWebhookSecret()).not.toBe(secret);
    await expect(signWebhook("not-a-secret", "id", 1, "{}")).rejects.toThrow(/whsec_/);
    await expect(signWebhook("whsec_c2hvcnQ=", "id", 1, "{}")).rejects.toThrow(/too short/);
  });
});
