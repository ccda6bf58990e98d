// The looker-render demo page: a form for `client.render()` with a live
// timeline, a "many" mode for `client.renderMany()` with one merged PDF, and a
// "Get render task" panel for `client.renderTask()`.
// Plain DOM, no framework; every string from Looker goes in as text.
// This file wires the parts together:
//   dom.js           $, el and the page's elements
//   library.js       loading looker-render
//   connection.js    the Connection card and the client it makes
//   sign-in.js       its "Sign in with Looker" mode (OAuth)
//   render-form.js   the Render form and its code preview
//   render-run.js    a render: timeline, cancel, result
//   render-many.js   the many mode: a row per filter value, cancel, the merged PDF
//   task-panel.js    the "Get render task" panel
//   error-view.js    errors as people read them
//   model.js         pure helpers, over the render-kinds table
import { ui } from './dom.js';
import { loadDefaults, showAuthFields, toggleTokenVisible } from './connection.js';
import { fillChoices, syncKind, syncFormat, updateCode } from './render-form.js';
import { startRender, cancelRender, isRendering, toggleFit } from './render-run.js';
import { fetchTask, showExampleTaskIfSandbox } from './task-panel.js';
import { syncMode, describeManyRender, updateManyCode, startMany, cancelMany, isRenderingMany } from './render-many.js';
import { setUpSignIn } from './sign-in.js';

ui.kind.addEventListener('change', syncKind);
ui.format.addEventListener('change', () => { ui.format.dataset.touched = '1'; syncFormat(); });
for (const input of [ui.width, ui.height]) {
  input.addEventListener('input', () => { input.dataset.touched = '1'; });
}
ui.renderForm.addEventListener('input', updateCode);
ui.renderForm.addEventListener('change', updateCode);
ui.baseUrl.addEventListener('input', () => { updateCode(); updateManyCode(); showExampleTaskIfSandbox(); });
for (const radio of document.querySelectorAll('input[name="auth"]')) {
  radio.addEventListener('change', () => { showAuthFields(); updateCode(); updateManyCode(); });
}
for (const radio of [ui.modeOne, ui.modeMany]) radio.addEventListener('change', syncMode);
ui.manyForm.addEventListener('input', updateManyCode);
ui.manyForm.addEventListener('submit', startMany);
ui.manyCancel.addEventListener('click', cancelMany);
ui.tokenToggle.addEventListener('click', toggleTokenVisible);
ui.renderForm.addEventListener('submit', startRender);
ui.cancelButton.addEventListener('click', cancelRender);
document.addEventListener('keydown', (event) => {
  if (event.key !== 'Escape') return;
  if (isRendering()) cancelRender();
  if (isRenderingMany()) cancelMany();
});
ui.fit.addEventListener('click', toggleFit);
ui.connectionForm.addEventListener('submit', (event) => event.preventDefault());
ui.getForm.addEventListener('submit', (event) => { event.preventDefault(); fetchTask(ui.taskId.value); });
ui.refresh.addEventListener('click', () => fetchTask(ui.refresh.dataset.taskId || ui.taskId.value));
ui.exampleTask.addEventListener('click', () => {
  ui.taskId.value = ui.exampleTask.textContent.trim();
  fetchTask(ui.taskId.value);
});

fillChoices();
syncKind();
showAuthFields();
describeManyRender();
syncMode();
document.documentElement.dataset.defaults = 'loading';
loadDefaults()
  .then(() => { showExampleTaskIfSandbox(); updateCode(); updateManyCode(); })
  .finally(() => { document.documentElement.dataset.defaults = 'ready'; })
  .finally(setUpSignIn); // once the base URL is in: it is the API the sign-in is for
