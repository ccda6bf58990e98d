// Compiled by types.test.mjs with tsc (strict, no emit): what js/pdf.d.ts lets a caller write, and what not.
import { mergePdfs, type PdfBytes } from '../../js/pdf.js';

declare const fromRender: Uint8Array;
declare const fromResponse: ArrayBuffer;
declare const several: readonly PdfBytes[];

export async function accepted(): Promise<Uint8Array> {
  const one: Uint8Array = await mergePdfs([fromRender, fromResponse]);
  const two: Promise<Uint8Array> = mergePdfs(several);
  const length: number = one.length + (await two).byteLength;
  return length > 0 ? one : mergePdfs([new Uint8Array(await new Response().arrayBuffer())]);
}

export async function rejected(): Promise<void> {
  // @ts-expect-error one PDF is not a list
  await mergePdfs(fromRender);
  // @ts-expect-error a file name is not bytes
  await mergePdfs(['report.pdf']);
  // @ts-expect-error numbers are not bytes
  await mergePdfs([[0x25, 0x50, 0x44, 0x46]]);
  // @ts-expect-error the result is bytes, not a string
  const text: string = await mergePdfs([fromRender]);
  void text;
}
