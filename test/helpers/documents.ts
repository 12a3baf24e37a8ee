/** Document to markdown over HTTP, as the document tests send a file: base64, with a fresh account. */
import { expect } from "vitest";
import { balanceOf, callJson, createAccount } from "./http";
import { base64Of } from "./images";

/** Sends `bytes` as `name`; answers with the response, the account's balance after it and the credits spent. */
export async function convertDocument(name: string, bytes: Uint8Array, credits = 5) {
  const account = await createAccount(credits);
  const res = await callJson("/document-to-markdown/v1/convert", { key: account.apiKey, body: { file: { type: "base64", name, base64: base64Of(bytes) } } });
  const balance = await balanceOf(account.accountId);
  return { ...res, balance, spent: credits - balance };
}

/** The markdown of `bytes` sent as `name`, which must be answered with a 200. */
export async function markdownOf(name: string, bytes: Uint8Array): Promise<string> {
  const res = await convertDocument(name, bytes);
  expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(200);
  return res.body.data.markdown;
}
