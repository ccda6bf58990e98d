// Compiled with `tsc --noEmit` as CommonJS (a .cts file: its imports are
// require calls): each entry's `require` types must be CommonJS types, or
// TypeScript refuses to require them (attw's "masquerading as ESM").
import { LookerClient, LookerApiError, LookerError, type RenderTask } from 'looker-render';
import { LookerClient as InlineLookerClient } from 'looker-render/inline';
import { extensionClientOptions } from 'looker-render/extension';
import { mergePdfs } from 'looker-render/pdf';
import { renderKinds } from 'looker-render/render-kinds';
import lib = require('looker-render');

const client = new LookerClient({ baseUrl: 'https://acme.looker.com', accessToken: 't' });

async function uses(pdfs: Uint8Array[]): Promise<void> {
  const task: RenderTask = await client.renderTask('1');
  const inline: LookerClient = new InlineLookerClient({ baseUrl: 'https://acme.looker.com', accessToken: 't' });
  const merged: Uint8Array = await mergePdfs(pdfs);
  const options: { baseUrl: string; fetch: typeof fetch } = extensionClientOptions({ verifyHostConnection: async () => true });
  const error: LookerError = new lib.LookerApiError('m', { status: 500 });
  const same: typeof LookerApiError = lib.LookerApiError;
  const dashboard: 'dashboard' = renderKinds.kinds[2].kind;
  void [task, inline, merged, options, error, same, dashboard];
}

void uses;
