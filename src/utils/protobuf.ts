/**
 * Just enough of the protobuf wire format to read fields out of a message (an ONNX model's graph, in
 * src/model/onnx-trees.ts): varints, 32-bit floats, length-delimited bytes, packed or unpacked repeated scalars.
 * Written here rather than bundling protobufjs and the ONNX schema (~200 KB) into the Worker for a read-once walk.
 */
export const WIRE = { varint: 0, fixed64: 1, bytes: 2, fixed32: 5 } as const;

export interface Field {
  number: number;
  wire: number;
  /** The varint of a varint field. Unsigned, exact up to 2^53; a negative int64 reads as a large number. */
  varint: number;
  /** The payload of a length-delimited field, or the 4/8 bytes of a fixed one. */
  bytes: Uint8Array;
}

export class ProtobufError extends Error {
  override name = "ProtobufError";
}

/** Every field of one message, in wire order. */
export function* fields(message: Uint8Array): Generator<Field> {
  let at = 0;
  const varint = (): number => {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (at >= message.length) throw new ProtobufError("truncated varint");
      const b = message[at++]!;
      value += (b & 0x7f) * scale;
      if (b < 0x80) return value;
      scale *= 128;
    }
    throw new ProtobufError("varint longer than 10 bytes");
  };
  const take = (n: number): Uint8Array => {
    if (n < 0 || at + n > message.length) throw new ProtobufError("field runs past the end of the message");
    const out = message.subarray(at, at + n);
    at += n;
    return out;
  };
  while (at < message.length) {
    const tag = varint();
    const number = Math.floor(tag / 8);
    const wire = tag % 8;
    const empty = message.subarray(0, 0);
    if (wire === WIRE.varint) yield { number, wire, varint: varint(), bytes: empty };
    else if (wire === WIRE.bytes) yield { number, wire, varint: 0, bytes: take(varint()) };
    else if (wire === WIRE.fixed32) yield { number, wire, varint: 0, bytes: take(4) };
    else if (wire === WIRE.fixed64) yield { number, wire, varint: 0, bytes: take(8) };
    else throw new ProtobufError(`unsupported wire type ${wire}`);
  }
}

const utf8 = new TextDecoder();
/** A string field. Short ASCII ones (a model's thousands of split modes) without the decoder's per-call cost. */
export function text(f: Field): string {
  const b = f.bytes;
  if (b.length > 32) return utf8.decode(b);
  let out = "";
  for (let i = 0; i < b.length; i++) {
    if (b[i]! > 0x7f) return utf8.decode(b);
    out += String.fromCharCode(b[i]!);
  }
  return out;
}

/** A repeated float field: each occurrence one fixed32, or one packed run of them. */
export function pushFloats(f: Field, out: number[]): void {
  const view = new DataView(f.bytes.buffer, f.bytes.byteOffset, f.bytes.byteLength);
  if (f.wire !== WIRE.fixed32 && f.wire !== WIRE.bytes) throw new ProtobufError(`float field ${f.number} has wire type ${f.wire}`);
  if (f.bytes.length % 4 !== 0) throw new ProtobufError(`packed float field ${f.number} is not a whole number of floats`);
  for (let i = 0; i < f.bytes.length; i += 4) out.push(view.getFloat32(i, true));
}

/** A repeated int64 field: each occurrence one varint, or one packed run of them. */
export function pushInts(f: Field, out: number[]): void {
  if (f.wire === WIRE.varint) {
    out.push(f.varint);
    return;
  }
  if (f.wire !== WIRE.bytes) throw new ProtobufError(`int field ${f.number} has wire type ${f.wire}`);
  let at = 0;
  const b = f.bytes;
  while (at < b.length) {
    let value = 0;
    let scale = 1;
    for (;;) {
      if (at >= b.length) throw new ProtobufError("truncated packed varint");
      const byte = b[at++]!;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) break;
      scale *= 128;
    }
    out.push(value);
  }
}
