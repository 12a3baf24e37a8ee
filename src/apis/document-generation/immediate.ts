/**
 * pptxgenjs zips with JSZip, which yields between every piece of every entry with `setImmediate`: about 340 times
 * for a 30-slide deck. workerd's own `setImmediate` waits on a timer (about 1.2 ms a call here), so the zipping of
 * that deck took 450 ms of waiting where Node takes 35. `withFastImmediate` runs `work` with `setImmediate` on a
 * MessageChannel (still a task: I/O and other requests run between the calls, only without the timer's wait) and
 * puts the runtime's back when the last such run ends.
 */
type Immediate = (callback: (...args: unknown[]) => void, ...args: unknown[]) => unknown;

const scope = globalThis as { setImmediate?: Immediate };
let runs = 0;
let original: Immediate | undefined;
let channel: MessageChannel | undefined;
const waiting: (() => void)[] = [];

export async function withFastImmediate<T>(work: () => Promise<T>): Promise<T> {
  if (runs++ === 0) {
    original = scope.setImmediate;
    const ports = (channel = new MessageChannel());
    ports.port1.onmessage = () => waiting.shift()?.();
    scope.setImmediate = (callback, ...args) => {
      waiting.push(() => callback(...args));
      ports.port2.postMessage(null);
    };
  }
  try {
    return await work();
  } finally {
    if (--runs === 0) {
      scope.setImmediate = original;
      // Closed, so that nothing is left listening (in Node an open port would keep the process alive); a call made
      // meanwhile by other code of the isolate and not yet run goes to the runtime's setImmediate, not lost.
      channel?.port1.close();
      channel = undefined;
      for (const next of waiting.splice(0)) (original ?? queueMicrotask)(next);
      original = undefined;
    }
  }
}
