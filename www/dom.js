// DOM helpers of the demo page: `$` finds by id, `el` builds an element (strings go in
// as text, never as HTML), and `ui` holds the page's elements by what they are for.

export const $ = (id) => document.getElementById(id);

const ATTRIBUTES = new Set(['role', 'title', 'href', 'type']);

/** `el('li', { class: 'done', 'data-status': 'success', text: 'Done' }, ...children)`; null, false and undefined are left out. */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value == null || value === false) continue;
    if (name === 'class') node.className = value;
    else if (name === 'text') node.textContent = value;
    else if (name.startsWith('data-') || name.startsWith('aria-') || ATTRIBUTES.has(name)) node.setAttribute(name, value);
    else node[name] = value;
  }
  for (const child of children.flat()) if (child != null && child !== false) node.append(child);
  return node;
}

export const ui = {
  banner: $('lib-banner'),
  connectionForm: $('connection-form'), baseUrl: $('base-url'), token: $('token'), tokenToggle: $('token-toggle'),
  tokenField: $('token-field'), clientIdField: $('client-id-field'), clientSecretField: $('client-secret-field'),
  clientId: $('client-id'), clientSecret: $('client-secret'), defaultsSource: $('defaults-source'),
  renderForm: $('render-form'), kind: $('kind'), id: $('content-id'), idLabel: $('content-id-label'), idHint: $('content-id-hint'),
  format: $('format'), width: $('width'), height: $('height'),
  dashboardOptions: $('dashboard-options'), filters: $('filters'), style: $('style'), tabIds: $('tab-ids'),
  paperSize: $('paper-size'), longTables: $('long-tables'),
  renderButton: $('render-button'), cancelButton: $('cancel-button'), elapsed: $('elapsed'), code: $('code-preview'),
  output: $('render-output'), status: $('render-status'), progress: $('render-progress'), stepper: $('stepper'),
  timeline: $('timeline'), runtimes: $('runtimes'), renderError: $('render-error'),
  result: $('result'), resultInfo: $('result-info'), resultView: $('result-view'), download: $('download'), fit: $('fit-toggle'), openTab: $('open-tab'),
  getForm: $('get-form'), taskId: $('task-id'), getButton: $('get-button'), getOutput: $('get-output'),
  getBadge: $('get-badge'), getMeta: $('get-meta'), refresh: $('refresh-button'), getError: $('get-error'), table: $('task-table'),
  exampleHint: $('example-hint'), exampleTask: $('example-task'),
  modeOne: $('mode-one'), modeMany: $('mode-many'),
  manyPanel: $('many-panel'), manyForm: $('many-form'), manyDashboard: $('many-dashboard'), manyDashboardHint: $('many-dashboard-hint'),
  manyFilter: $('many-filter'), manyValues: $('many-values'), manyConcurrency: $('many-concurrency'),
  manyButton: $('many-button'), manyCancel: $('many-cancel'), manyCode: $('many-code'),
  manyOutput: $('many-output'), manyStatus: $('many-status'), manyProgress: $('many-progress'), manyTable: $('many-table'),
  manyError: $('many-error'), manyResult: $('many-result'), manyResultInfo: $('many-result-info'),
  manyOpenTab: $('many-open-tab'), manyDownload: $('many-download'), manyView: $('many-view'),
};
