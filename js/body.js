// Reading response bodies with a size cap, so a misbehaving server cannot
// make the client buffer tens of megabytes it never asked for. A body over
// the cap is cancelled, which releases the connection.

const tooLarge = async (response) => {
  await response.body?.cancel?.().catch(() => {});
  return null;
};

/**
 * The body as text (`asText`) or bytes, or null when it is larger than
 * `limit` bytes.
 */
async function readBody(response, limit, asText) {
  const declared = response.headers.get('content-length');
  if (declared !== null && Number(declared) > limit) return tooLarge(response);
  const reader = declared === null ? response.body?.getReader?.() : undefined;
  if (!reader) {
    // A declared length within the cap (the usual case, and the fast path),
    // or a Response-like object from an injected fetch without a stream.
    if (asText) {
      const text = await response.text();
      // Each UTF-16 unit is at least one byte: more units is more bytes.
      return text.length > limit ? null : text;
    }
    const bytes = new Uint8Array(await response.arrayBuffer());
    return bytes.byteLength > limit ? null : bytes;
  }
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  const bytes = chunks.length === 1 ? chunks[0] : new Uint8Array(size);
  if (chunks.length !== 1) {
    let offset = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, offset);
      offset += chunk.byteLength;
    }
  }
  return asText ? new TextDecoder().decode(bytes) : bytes;
}

export { readBody };
