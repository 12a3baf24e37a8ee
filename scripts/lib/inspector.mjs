// The Worker's V8 inspector under `wrangler dev`, for the heap figures of test:abuse and bench:corpus.
import { setTimeout as sleep } from "node:timers/promises";
import { waitFor } from "./stack.mjs";

/** The Worker's V8 inspector, through wrangler's proxy (which wants an Origin header). */
export async function connectInspector(port) {
  const [target] = await waitFor("the inspector", async () => {
    const list = await fetch(`http://127.0.0.1:${port}/json`).then((res) => res.json());
    return list.length ? list : undefined;
  }, 20_000);
  const socket = new WebSocket(target.webSocketDebuggerUrl, { headers: { Origin: `http://127.0.0.1:${port}` } });
  await new Promise((resolve, reject) => {
    socket.onopen = resolve;
    socket.onerror = reject;
  });
  let id = 0;
  const pending = new Map();
  socket.onmessage = (message) => {
    const data = JSON.parse(message.data);
    pending.get(data.id)?.(data.result);
    pending.delete(data.id);
  };
  const call = (method, timeoutMs = 2_000) =>
    Promise.race([
      new Promise((resolve) => {
        const key = ++id;
        pending.set(key, resolve);
        socket.send(JSON.stringify({ id: key, method }));
      }),
      sleep(timeoutMs).then(() => undefined),
    ]);
  return {
    heapMib: async () => {
      const usage = await call("Runtime.getHeapUsage");
      return usage ? usage.usedSize / 1024 / 1024 : undefined;
    },
    close: () => socket.close(),
  };
}

