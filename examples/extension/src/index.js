// A Looker extension: pick a dashboard, render it to PDF, save the file.
// Every API call goes through the Looker host (the user's session): no token,
// no CORS, no fetch.
import { connectExtensionHost } from '@looker/extension-sdk';
import { LookerClient, LookerApiError, RenderTaskFailedError } from 'looker-render/inline';
import { extensionClientOptions } from 'looker-render/extension';

const root = document.getElementById('extension-root') || document.body;
root.innerHTML = `
  <form id="form" style="font: 14px system-ui; margin: 24px; display: grid; gap: 8px; max-width: 360px">
    <label>Dashboard id <input id="dashboard" required value="1"></label>
    <label>Paper <select id="paper"><option>a4</option><option>letter</option></select></label>
    <label><input id="landscape" type="checkbox" checked> Landscape</label>
    <button>Render PDF</button>
    <output id="status"></output>
    <a id="save" hidden>Save the PDF</a>
  </form>`;
const $ = (id) => document.getElementById(id);

// A classic script (IIFE): no top-level await.
connectExtensionHost().then((extensionSDK) => {
  const looker = new LookerClient({ ...extensionClientOptions(extensionSDK), timeoutMs: 120_000 });
  let controller = null;

  $('form').addEventListener('submit', async (event) => {
    event.preventDefault();
    controller?.abort(new Error('replaced by a new render'));
    controller = new AbortController();
    $('save').hidden = true;
    try {
      const { bytes, task } = await looker.render({
        dashboard_id: $('dashboard').value.trim(),
        result_format: 'pdf',
        width: 1280,
        height: 1000,
        pdf_paper_size: $('paper').value,
        pdf_landscape: $('landscape').checked,
      }, {
        signal: controller.signal,
        timeoutMs: 600_000,
        onProgress: (t) => { $('status').value = t.status; },
      });
      const url = URL.createObjectURL(new Blob([bytes], { type: 'application/pdf' }));
      Object.assign($('save'), { href: url, download: `dashboard-${task.dashboard_id}.pdf`, hidden: false });
      $('status').value = `${(bytes.length / 1024).toFixed(0)} KiB in ${task.runtime?.toFixed(1) ?? '?'} s`;
    } catch (error) {
      $('status').value = error instanceof LookerApiError ? `Looker said ${error.status}: ${error.message}`
        : error instanceof RenderTaskFailedError ? `The render failed: ${error.message}`
        : String(error.message || error);
    }
  });
}, (error) => {
  $('status').value = `No Looker host: ${error.message}`;
});
