const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, "0"));

/** A string's UTF-8 bytes (or the bytes given) hashed (Web Crypto: the same in workerd and Node), in lower-case hex. */
export async function digestHex(algorithm: "SHA-1" | "SHA-256", text: string | Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest(algorithm, typeof text === "string" ? new TextEncoder().encode(text) : text));
  // A table and one concatenation: this runs several times per score.
  let out = "";
  for (let i = 0; i < digest.length; i++) out += HEX[digest[i]!];
  return out;
}

export const sha256Hex = (text: string): Promise<string> => digestHex("SHA-256", text);

/** The SHA-256 of bytes as they are (a file), in lower-case hex. */
export const sha256HexOfBytes = (bytes: Uint8Array): Promise<string> => digestHex("SHA-256", bytes);
