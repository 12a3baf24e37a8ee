/**
 * What `iconv-lite` resolves to in the Worker (wrangler.toml `[alias]`). msgreader, the Outlook message reader,
 * needs only its `decode`, for strings stored in a message's 8-bit code page; the runtime's TextDecoder decodes
 * those (the real package needs Node's Buffer, which the Worker does not have).
 */
export function decode(bytes: Uint8Array, encoding: string): string {
  return new TextDecoder(encoding).decode(bytes);
}

export function encode(): never {
  throw new Error("iconv-lite's encode is not available in the Worker");
}

export default { decode, encode };
