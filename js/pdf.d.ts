// Types of `looker-render/pdf`.

/**
 * The bytes of one PDF: the `bytes` of a PDF render result, a Node `Buffer`
 * (a `Uint8Array`), or an `ArrayBuffer` (from `Response.arrayBuffer()`).
 */
export type PdfBytes = Uint8Array | ArrayBuffer;

/**
 * One PDF holding the pages of every PDF in `list`, in the order given: for
 * "render it once per filter value and give me one PDF".
 *
 * Pages are copied as they are (content, size, rotation); the documents' titles
 * and outlines are not kept. The same inputs give the same bytes. The inputs are
 * not changed.
 *
 * @example
 * ```ts
 * import { mergePdfs } from 'looker-render/pdf';
 * const pdf = await mergePdfs([first.bytes, second.bytes, third.bytes]);
 * ```
 *
 * @param list - The PDFs, first to last.
 * @returns The merged PDF's bytes.
 * @throws {TypeError} (the Promise rejects) `list` is not an array, or an item is
 *   not a `Uint8Array` or `ArrayBuffer`, has no `%PDF-` header, or cannot be read
 *   as a PDF; the message names the item's index (`mergePdfs: item 2 is not a PDF …`).
 *   Every item's type and header are checked before any is read.
 * @throws {RangeError} (the Promise rejects) `list` is empty.
 */
export function mergePdfs(list: readonly PdfBytes[]): Promise<Uint8Array>;
