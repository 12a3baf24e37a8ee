import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";

// Idempotent: storage is per test file, so each file migrates its own fresh D1 once.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
