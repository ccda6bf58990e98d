// The render kinds, formats and options Looker's render-task API takes: one table that the
// CLI, the demo page and the sandbox read (the Rust core checks it matches its own: cargo test).
export const renderKinds = Object.freeze({
  kinds: [
    { kind: 'look', idName: 'look_id', path: 'looks', noun: 'look', formats: ['png', 'jpg'], defaultFormat: 'png', defaultWidth: 1200, defaultHeight: 800 },
    { kind: 'query', idName: 'query_id', path: 'queries', noun: 'query', formats: ['png', 'jpg'], defaultFormat: 'png', defaultWidth: 1200, defaultHeight: 800 },
    { kind: 'dashboard', idName: 'dashboard_id', path: 'dashboards', noun: 'dashboard', formats: ['pdf', 'png', 'jpg'], defaultFormat: 'pdf', defaultWidth: 1920, defaultHeight: 1080 },
    { kind: 'dashboard_element', idName: 'dashboard_element_id', path: 'dashboard_elements', noun: 'dashboard element', formats: ['png', 'jpg'], defaultFormat: 'png', defaultWidth: 800, defaultHeight: 600 },
  ],
  formats: [{ format: 'png', contentType: 'image/png' }, { format: 'jpg', contentType: 'image/jpeg' }, { format: 'pdf', contentType: 'application/pdf' }],
  pdfPaperSizes: ['letter', 'legal', 'tabloid', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5'],
  dashboardStyles: ['tiled', 'single_column'],
});
