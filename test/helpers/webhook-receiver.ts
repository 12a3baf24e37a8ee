/**
 * A fake webhook receiver. Outbound fetches from the Worker (the real queue consumers run in this same
 * isolate) are intercepted; each receiver owns one unique https URL and answers with its handler.
 * Nothing leaves the machine: a fetch to any other URL fails the test loudly.
 */
import { vi } from "vitest";

export interface Delivery {
  request: Request;
  body: string;
  headers: Record<string, string>;
  receivedAt: number;
}

type Handler = (delivery: Delivery, index: number) => Response | Promise<Response>;

interface Receiver {
  url: string;
  deliveries: Delivery[];
}

const receivers = new Map<string, { handler: Handler; deliveries: Delivery[] }>();
let installed = false;

/** Every URL the Worker fetched (or tried to) since the file started, in order. */
export const outboundUrls: string[] = [];

function install(): void {
  if (installed) {
    return;
  }
  installed = true;
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    outboundUrls.push(request.url);
    const receiver = receivers.get(request.url);
    if (!receiver) {
      throw new Error(`unexpected outbound fetch to ${request.url}`);
    }
    const delivery: Delivery = {
      request,
      body: await request.text(),
      headers: Object.fromEntries(request.headers),
      receivedAt: Date.now(),
    };
    const index = receiver.deliveries.push(delivery) - 1;
    const signal = init?.signal;
    const answer = Promise.resolve(receiver.handler(delivery, index));
    if (!signal) {
      return answer;
    }
    // Honour the caller's timeout the way a real fetch would.
    return Promise.race([
      answer,
      new Promise<never>((_, reject) => {
        if (signal.aborted) {
          reject(signal.reason);
        }
        signal.addEventListener("abort", () => reject(signal.reason));
      }),
    ]);
  });
}

/** A receiver at a fresh https URL (or the one given); by default it answers 200. */
export function createReceiver(handler: Handler = () => new Response("ok"), url = `https://hooks.example.com/${crypto.randomUUID()}`): Receiver {
  install();
  const entry = { handler, deliveries: [] as Delivery[] };
  receivers.set(url, entry);
  return { url, deliveries: entry.deliveries };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
