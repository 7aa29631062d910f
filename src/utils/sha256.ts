/** A string's UTF-8 bytes hashed (Web Crypto: the same in workerd and Node), in lower-case hex. */
export async function digestHex(algorithm: "SHA-1" | "SHA-256", text: string): Promise<string> {
  const digest = await crypto.subtle.digest(algorithm, new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

export const sha256Hex = (text: string): Promise<string> => digestHex("SHA-256", text);
