import { describe, expect, it } from "vitest";
import { checkPublicUrl, parseDevHosts } from "../../src/inputs/url-guard";
import { balanceOf, callJson, createAccount, jobsOf } from "../helpers/http";
import { SMALL_IMAGE } from "../helpers/jobs";
import { fetchWithEnv } from "../helpers/worker";

const accepted: string[] = [
  "https://example.com/hook",
  "https://hooks.example.com:8443/a/b?c=d#e",
  "https://EXAMPLE.com./hook",
  "https://xn--bcher-kva.example/hook",
  "https://my-service.eu.example.org/webhooks/lamina",
  "https://api.example.co.uk/",
  "https://example.com/" + "a".repeat(2000),
];

const refused: [string, string][] = [
  ["http://example.com/hook", "https is required"],
  ["ftp://example.com/hook", "https is required"],
  ["example.com/hook", "must be a valid URL"],
  ["not a url", "must be a valid URL"],
  ["", "must be a valid URL"],
  ["https://user:pass@example.com/hook", "must not contain credentials"],
  ["https://user@example.com/hook", "must not contain credentials"],
  ["https://127.0.0.1/hook", "not an IP address"],
  ["https://10.0.0.1/hook", "not an IP address"],
  ["https://169.254.169.254/latest/meta-data", "not an IP address"],
  ["https://8.8.8.8/hook", "not an IP address"],
  ["https://2130706433/hook", "not an IP address"],
  ["https://0x7f000001/hook", "not an IP address"],
  ["https://0x7f.0.0.1/hook", "not an IP address"],
  ["https://0177.0.0.1/hook", "not an IP address"],
  ["https://127.1/hook", "not an IP address"],
  ["https://[::1]/hook", "not an IP address"],
  ["https://[::ffff:127.0.0.1]/hook", "not an IP address"],
  ["https://[::ffff:7f00:1]/hook", "not an IP address"],
  ["https://[fd00::1]/hook", "not an IP address"],
  ["https://[2606:4700::1111]/hook", "not an IP address"],
  ["https://localhost/hook", "not publicly reachable"],
  ["https://LOCALHOST:8443/hook", "not publicly reachable"],
  ["https://api.localhost/hook", "not publicly reachable"],
  ["https://printer.local/hook", "not publicly reachable"],
  ["https://service.internal/hook", "not publicly reachable"],
  ["https://router.home.arpa/hook", "not publicly reachable"],
  ["https://intranet/hook", "not a fully qualified domain name"],
  ["https://metadata/computeMetadata", "not a fully qualified domain name"],
  ["https://example.com/" + "a".repeat(2100), "at most 2048 characters"],
];

describe("checkPublicUrl", () => {
  it.each(accepted)("accepts %s", (url) => {
    expect(checkPublicUrl(url)).toBeNull();
  });

  it.each(refused)("refuses %s (%s)", (url, reason) => {
    expect(checkPublicUrl(url)).toContain(reason);
  });

  it("exempts DEV_HOSTS from the host rules and lets them use http", () => {
    const devHosts = parseDevHosts(" localhost, 127.0.0.1 ,,Receiver.Test ");
    expect(checkPublicUrl("http://localhost:9999/hook", devHosts)).toBeNull();
    expect(checkPublicUrl("https://localhost:9443/hook", devHosts)).toBeNull();
    expect(checkPublicUrl("http://127.0.0.1:9999/hook", devHosts)).toBeNull();
    expect(checkPublicUrl("http://receiver.test/hook", devHosts)).toBeNull();
    // Credentials and other schemes stay refused; unlisted private hosts too.
    expect(checkPublicUrl("http://user:pw@localhost/hook", devHosts)).toContain("credentials");
    expect(checkPublicUrl("ftp://localhost/hook", devHosts)).toContain("https is required");
    expect(checkPublicUrl("https://printer.local/hook", devHosts)).toContain("not publicly reachable");
    expect(parseDevHosts("")).toEqual(new Set());
  });
});

describe("webhook_url through the API", () => {
  it.each(refused.slice(0, 12))("answers 400 for %s and charges nothing", async (url, reason) => {
    const account = await createAccount(10);
    const res = await callJson("/image-generation/v1/generate", { body: { ...SMALL_IMAGE, webhook_url: url }, key: account.apiKey });
    expect(res.status).toBe(400);
    expect(res.body.success).toBe(false);
    expect(res.body.error).toMatch(/^webhook_url: /);
    expect(res.body.error).toContain(reason);
    expect(await balanceOf(account.accountId)).toBe(10);
    expect(await jobsOf(account.accountId)).toHaveLength(0);
  });

  it("answers a webhook_url that is not a string with 400", async () => {
    const account = await createAccount(10);
    const res = await callJson("/image-generation/v1/generate", { body: { ...SMALL_IMAGE, webhook_url: 42 }, key: account.apiKey });
    expect(res.status).toBe(400);
    expect(res.body.error).toContain("webhook_url:");
  });

  it("accepts a listed dev host over http when DEV_HOSTS is set", async () => {
    const account = await createAccount(10);
    const request = new Request("https://lamina.test/image-generation/v1/generate", {
      method: "POST",
      headers: { Authorization: `Bearer ${account.apiKey}`, "Content-Type": "application/json" },
      body: JSON.stringify({ ...SMALL_IMAGE, webhook_url: "http://localhost:9999/hook" }),
    });
    const res = await fetchWithEnv(request, { DEV_HOSTS: "localhost" });
    expect(res.status).toBe(201);
  });
});

describe("trailing dots", () => {
  it.each(["https://localhost./x", "https://localhost../x", "https://localhost。。/x", "https://printer.local../x", "https://intranet../x"])(
    "are stripped before the host rules: %s is refused",
    (url) => {
      expect(checkPublicUrl(url)).not.toBeNull();
    },
  );

  it("leave a public name with a trailing dot valid", () => {
    expect(checkPublicUrl("https://hooks.example.com./x")).toBeNull();
  });
});
