import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";

/** A JSON-lines file, one value per non-empty line; `fail` makes the error for a line that is not JSON. */
export async function* jsonLines<T>(file: string, fail: (message: string) => Error): AsyncGenerator<T> {
  let line = 0;
  for await (const text of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    line++;
    if (text.trim() === "") continue;
    try {
      yield JSON.parse(text) as T;
    } catch {
      throw fail(`${file}:${line}: not JSON`);
    }
  }
}
