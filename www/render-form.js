// The Render form: the choices the render-kinds table allows, what the form
// says (`formValues()`), keeping format, size and options in step with the
// kind, and the code preview of the call it makes.
import { el, ui } from './dom.js';
import {
  KINDS, FORMAT_LABELS, PDF_PAPER_SIZES, DASHBOARD_STYLES, paperSizeLabel, dashboardStyleLabel, buildRenderRequest, jsLiteral,
} from './model.js';
import { authMode } from './connection.js';

/** Fills the kind, paper size and layout lists from the table (the paper list keeps its "fit" choice first). */
export function fillChoices() {
  ui.kind.replaceChildren(...Object.values(KINDS).map((kind) => el('option', { value: kind.kind, text: kind.label })));
  ui.paperSize.append(...PDF_PAPER_SIZES.map((size) => el('option', { value: size, text: paperSizeLabel(size) })));
  ui.style.replaceChildren(...DASHBOARD_STYLES.map((style) => el('option', { value: style, text: dashboardStyleLabel(style) })));
}

export function formValues() {
  return {
    kind: ui.kind.value,
    id: ui.id.value,
    format: ui.format.value,
    width: ui.width.value,
    height: ui.height.value,
    dashboard_filters: ui.filters.value,
    dashboard_style: ui.style.value,
    tab_ids: ui.tabIds.value,
    pdf_paper_size: ui.paperSize.value,
    orientation: document.querySelector('input[name="orientation"]:checked').value,
    long_tables: ui.longTables.checked,
  };
}

/** After a change of kind: its formats, label, example, default size (unless typed in) and dashboard options. */
export function syncKind() {
  const kind = KINDS[ui.kind.value];
  const previous = ui.format.value;
  ui.format.replaceChildren(...kind.formats.map((format) => el('option', { value: format, text: FORMAT_LABELS[format] })));
  // Keep a format the user chose if it fits; otherwise the kind's default (PDF for dashboards).
  ui.format.value = ui.format.dataset.touched && kind.formats.includes(previous) ? previous : kind.defaultFormat;
  ui.idLabel.textContent = `${kind.label} ID`;
  ui.idHint.textContent = kind.example ? `For example ${kind.example}.` : '';
  if (!ui.width.dataset.touched) ui.width.value = kind.defaultWidth;
  if (!ui.height.dataset.touched) ui.height.value = kind.defaultHeight;
  ui.dashboardOptions.hidden = kind.kind !== 'dashboard';
  syncFormat();
}

/** The PDF-only options are enabled for PDFs only. */
export function syncFormat() {
  const pdf = ui.format.value === 'pdf';
  for (const node of ui.dashboardOptions.querySelectorAll('.pdf-only')) {
    node.classList.toggle('disabled', !pdf);
    for (const input of node.querySelectorAll('input, select')) input.disabled = !pdf;
  }
  updateCode();
}

/** The code preview: the `client.render()` call the form describes. */
export function updateCode() {
  let request;
  try {
    request = buildRenderRequest(formValues());
  } catch {
    request = { [KINDS[ui.kind.value].idName]: '…', result_format: ui.format.value, width: Number(ui.width.value), height: Number(ui.height.value) };
  }
  ui.code.textContent = [
    ...clientPreview(),
    `const { task, bytes, contentType } = await client.render(${jsLiteral(request)}, {`,
    '  signal: controller.signal,',
    '  onProgress: (task) => console.log(task.status),',
    '});',
  ].join('\n');
}

/** The first lines of a code preview: the import and a client for the Connection card (secrets left out). */
export function clientPreview(imports = []) {
  const options = { baseUrl: ui.baseUrl.value.trim() || 'https://acme.looker.com:19999' };
  if (authMode() === 'credentials') Object.assign(options, { clientId: '…', clientSecret: '…' });
  else if (authMode() === 'oauth') options.oauth = { clientId: '…', redirectUri: '…', lookerUrl: '…' };
  else options.accessToken = '…';
  return [
    "import { LookerClient } from 'looker-render';",
    ...imports,
    '',
    `const client = new LookerClient(${jsLiteral(options)});`,
  ];
}
