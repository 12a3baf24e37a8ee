/**
 * Error messages never grow with the input: every answered and stored message is cut to about 1 KB.
 */
import { describe, expect, it } from "vitest";
import { ApiError, MAX_ERROR_MESSAGE_LENGTH } from "../src/errors";
import { balanceOf, callJson, createAccount, jobsOf } from "./helpers/http";
import { createReceiver } from "./helpers/webhook-receiver";

describe("error messages", () => {
  it("are cut to 1,000 characters, saying how many were left out", () => {
    const error = new ApiError(422, "x".repeat(5000));
    expect(error.message).toBe(`${"x".repeat(MAX_ERROR_MESSAGE_LENGTH)}… (4000 more characters)`);
    expect(new ApiError(400, "short").message).toBe("short");
  });

  it("that quote a long URL and file name are cut in the answer and in the stored job, and the job is refunded", async () => {
    const account = await createAccount(5);
    const missing = createReceiver(() => new Response("gone", { status: 404 }), `https://hooks.example.com/${"p".repeat(2000)}`);
    const res = await callJson("/document-extraction/v1/extract", {
      key: account.apiKey,
      body: { files: [{ type: "url", url: missing.url, name: `${"n".repeat(250)}.txt` }], schema: { fields: [{ name: "t", type: "TEXT", description: "x" }] } },
    });
    expect(res.status).toBe(422);
    expect(res.body.error.startsWith(`files.0 (${"n".repeat(250)}.txt): fetching https://hooks.example.com/ppp`)).toBe(true);
    expect(res.body.error.length).toBeLessThanOrEqual(MAX_ERROR_MESSAGE_LENGTH + 30);
    expect(res.body.error).toMatch(/… \(\d+ more characters\)$/);
    const [job] = await jobsOf(account.accountId);
    expect((job!.error as string).length).toBeLessThanOrEqual(MAX_ERROR_MESSAGE_LENGTH + 30);
    expect(await balanceOf(account.accountId)).toBe(5);
  });
});
