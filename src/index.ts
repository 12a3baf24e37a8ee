import { createApp } from "./app";
import { handleQueue } from "./consumers";

const app = createApp();

export default {
  fetch: app.fetch,
  queue: handleQueue,
  async scheduled() {},
} satisfies ExportedHandler<Env>;
