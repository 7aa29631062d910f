import { describe, expect, it } from "vitest";
import { PolicyViews } from "../../../src/policy/view";

const doc = { ranges: [], rules: [], thresholds: JSON.stringify({ review: 0.1, decline: 0.5 }) };

describe("the isolate's policy views", () => {
  it("a merchant asked about in a run is not evicted before its reply: its thresholds still apply", () => {
    const views = new PolicyViews();
    views.update("m_busy", { version: 3, hits: {}, doc });
    for (let i = 0; i < 9_999; i++) views.update(`m_${i}`, { version: 1, hits: {}, doc });
    // A run asks what the isolate holds of m_busy (the oldest view) and of 1,000 merchants new to it…
    expect(views.known("m_busy")).toBe(3);
    for (let i = 0; i < 1_000; i++) views.update(`m_new_${i}`, { version: 1, hits: {}, doc });
    // …and m_busy's reply, the version it holds, brings no contents: the view must still be there.
    expect(views.update("m_busy", { version: 3, hits: {} }).thresholds).toEqual({ review: 0.1, decline: 0.5 });
  });
});
