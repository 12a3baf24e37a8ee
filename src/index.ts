import { createApp } from "./app";
import { handleQueue } from "./consumers";
import { sweep } from "./jobs/sweep";

export { RateLimiter } from "./rate-limiter-object";

const app = createApp();

export default {
  fetch: app.fetch,
  async queue(batch, env, _ctx: ExecutionContext) {
    await handleQueue(batch, env);
  },
  async scheduled(_controller, env, _ctx: ExecutionContext) {
    await sweep(env);
  },
} satisfies ExportedHandler<Env>;
