import { describe, expect, it } from "vitest";
import { apis } from "../../src/apis";
import { call, callJson } from "../helpers/http";

describe("GET /openapi.json", () => {
  it("is an OpenAPI 3.1 document listing every route with its errors", async () => {
    const res = await callJson("/openapi.json");
    expect(res.status).toBe(200);
    const doc = res.body;
    expect(doc.openapi).toBe("3.1.0");
    const operations = Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({ path, method, operation })),
    );
    const listed = operations.map(({ method, path }) => `${method.toUpperCase()} ${path}`).sort();
    expect(listed).toEqual(
      [
        ...apis.flatMap((api) => [api.path, ...api.aliases].map((path) => `POST ${path}`)),
        "GET /v1/me",
        "GET /v1/jobs/{id}",
        "GET /v1/jobs/{id}/result",
        "POST /v1/jobs/{id}/redeliver",
        "GET /v1/webhook-secret",
        "POST /v1/webhook-secret/rotate",
        "POST /admin/v1/accounts",
        "POST /admin/v1/accounts/{id}/credits",
        "PATCH /admin/v1/accounts/{id}",
        "POST /admin/v1/accounts/{id}/api-keys",
        "PATCH /admin/v1/api-keys/{id}",
        "DELETE /admin/v1/api-keys/{id}",
      ].sort(),
    );
    for (const { operation } of operations) {
      expect(Object.keys(operation.responses)).toContain("401");
      expect(operation.responses["401"].content["application/json"].schema).toEqual({ $ref: "#/components/schemas/ErrorResponse" });
    }
  });

  it("describes the image generation request from the same zod schema, errors included", async () => {
    const { body: doc } = await callJson("/openapi.json");
    const operation = doc.paths["/image-generation/v1/generate"].post;
    expect(Object.keys(operation.responses).sort()).toEqual(["200", "201", "400", "401", "402", "409", "413", "415", "422", "429", "500", "503"]);
    const schema = operation.requestBody.content["application/json"].schema;
    expect(schema.required).toEqual(expect.arrayContaining(["dimensions", "layers"]));
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(["dimensions", "layers", "output_format", "fonts", "webhook_url"]));
    expect(doc.components.schemas.Layer).toBeDefined();
    expect(doc.paths["/image-generation/v1/render"].post.deprecated).toBe(true);
  });
});

describe("GET /docs", () => {
  it("serves an interactive reference page of this deployment's /openapi.json, without an API key", async () => {
    const res = await call("/docs", { key: null });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain("<title>Lamina API reference</title>");
    // The viewer's configuration points at the document this Worker serves (which lists every endpoint).
    expect(html).toMatch(/"url":\s*"\/openapi\.json"/);
    // Every script comes from this Worker, none from a CDN.
    const scripts = [...html.matchAll(/<script[^>]*\ssrc="([^"]+)"/g)].map((match) => match[1]);
    expect(scripts).toEqual(["/docs/scalar.js"]);
    expect(html).not.toMatch(/https?:\/\/(?!localhost)[a-z0-9.-]+\/[^"']*\.(?:js|css)/);
  });

  it("serves the viewer itself from the Worker's static assets", async () => {
    const res = await call("/docs/scalar.js", { key: null });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/javascript/);
    const script = await res.text();
    expect(script.length).toBeGreaterThan(1_000_000);
    expect(script).toContain("createApiReference");
  });
});
