import { EventEmitter } from "node:events";

/**
 * Long polling: consume/fetch with nothing to return wait until a produce lands on one of their topics or the
 * request's timeout passes. Every produce goes through this process, so an in-process signal is enough.
 */
export class Arrivals {
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  notify(topic: string): void {
    this.emitter.emit(topic);
  }

  wait(topics: string[], timeoutMs: number): Promise<void> {
    if (timeoutMs <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        for (const t of topics) this.emitter.removeListener(t, done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      for (const t of topics) this.emitter.once(t, done);
    });
  }
}
