import { createApp } from "./app";
import { handleQueue } from "./consumers";
import { sweep } from "./jobs/sweep";

const app = createApp();

export default {
  fetch: app.fetch,
  queue: handleQueue,
  async scheduled(_controller, env) {
    await sweep(env);
  },
} satisfies ExportedHandler<Env>;
