// looker-render/pdf: one PDF from many, for "render it once per filter value
// and give me one PDF" (the `bytes` of several PDF render results, in order).
//
//   import { mergePdfs } from 'looker-render/pdf';
//   const results = await looker.renderAll(requests);
//   const pdf = await mergePdfs(results.filter((r) => r.ok).map((r) => r.bytes));
//
// It uses pdf-lib, loaded only by this entry so that the main entry does not
// grow. Pages are copied as they are (content, size, rotation); the documents'
// own titles and outlines are not kept. The result has no creation date or
// producer of its own, so the same inputs give the same bytes.
import { PDFDocument } from 'pdf-lib';

// A PDF starts with `%PDF-`; readers accept it within the first 1024 bytes.
const PDF_MAGIC = [0x25, 0x50, 0x44, 0x46, 0x2d];
const HEADER_WINDOW = 1024;

const tag = (value) => Object.prototype.toString.call(value);

/** The bytes of one item as a Uint8Array (no copy), or null when it is not bytes. Checked by tag, so it works across realms. */
function asBytes(item) {
  if (tag(item) === '[object Uint8Array]') return item; // a Node Buffer is one too
  if (tag(item) === '[object ArrayBuffer]') return new Uint8Array(item);
  return null;
}

function hasPdfHeader(bytes) {
  const end = Math.min(bytes.length, HEADER_WINDOW) - PDF_MAGIC.length;
  for (let at = 0; at <= end; at++) {
    if (PDF_MAGIC.every((byte, i) => bytes[at + i] === byte)) return true;
  }
  return false;
}

const kindOf = (value) => (value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'object' ? tag(value).slice(8, -1) : typeof value);

/**
 * One PDF holding the pages of every PDF in `list`, in that order (js/pdf.d.ts has the contract).
 * Rejects with a TypeError when `list` is not an array or an item is not the bytes of a PDF
 * (naming its index), with a RangeError when `list` is empty.
 */
async function mergePdfs(list) {
  if (!Array.isArray(list)) throw new TypeError(`mergePdfs: expected an array of PDF bytes, got ${kindOf(list)}`);
  if (list.length === 0) throw new RangeError('mergePdfs: expected at least one PDF, got an empty array');
  // Check every item before reading any, so a bad last item fails fast.
  const inputs = list.map((item, index) => {
    const bytes = asBytes(item);
    if (!bytes) throw new TypeError(`mergePdfs: item ${index} is ${kindOf(item)}, not a Uint8Array or ArrayBuffer`);
    if (!hasPdfHeader(bytes)) throw new TypeError(`mergePdfs: item ${index} is not a PDF (no %PDF- header)`);
    return bytes;
  });
  const merged = await PDFDocument.create({ updateMetadata: false });
  for (const [index, bytes] of inputs.entries()) {
    let pages;
    try {
      const source = await PDFDocument.load(bytes, { updateMetadata: false });
      pages = await merged.copyPages(source, source.getPageIndices());
    } catch (error) {
      // pdf-lib reads damaged files leniently and may fail only once it reaches the pages.
      throw new TypeError(`mergePdfs: item ${index} is not a PDF that can be read: ${error.message}`, { cause: error });
    }
    for (const page of pages) merged.addPage(page);
  }
  return merged.save();
}

export { mergePdfs };
