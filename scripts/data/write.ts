import { createHash } from "node:crypto";
import { createWriteStream, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { once } from "node:events";

/**
 * Buffered line writer that also hashes what it writes: the SHA-256 of the file is the training data's
 * fingerprint, computed without reading the file back.
 */
export class HashingWriter {
  private readonly hash = createHash("sha256");
  private buffer: string[] = [];
  private buffered = 0;
  private readonly out: ReturnType<typeof createWriteStream> | null;

  constructor(path: string | null) {
    if (path) mkdirSync(dirname(path), { recursive: true });
    this.out = path ? createWriteStream(path) : null;
  }

  /** Awaits only when the file stream asks for back-pressure. */
  async write(line: string): Promise<void> {
    this.buffer.push(line);
    this.buffered += line.length;
    if (this.buffered >= 1 << 20) await this.flush();
  }

  private async flush(): Promise<void> {
    const chunk = this.buffer.join("");
    this.buffer = [];
    this.buffered = 0;
    this.hash.update(chunk);
    if (this.out && !this.out.write(chunk)) await once(this.out, "drain");
  }

  /** Closes the file and returns the hex SHA-256 of everything written. */
  async close(): Promise<string> {
    await this.flush();
    if (this.out) {
      this.out.end();
      await once(this.out, "finish");
    }
    return this.hash.digest("hex");
  }
}
