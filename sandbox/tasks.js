// Render tasks the sandbox creates. Each gets its stage durations when it is
// created; its status is read off the clock (no timers), and once it succeeds
// its result is rendered once and cached.
import { randomBytes } from 'node:crypto';
import { STAGES } from './state.js';

// render.js pulls in pdf-lib, pngjs and jpeg-js: load it only when a result is first needed.
let renderModule;
const loadRender = () => (renderModule ??= import('./render.js'));

/** How long each stage takes for a new task: content.json's entry, else the random range, else the config. */
function stageDurations(config, entry) {
  const configured = STAGES.map((stage) => config.stageMs[stage]);
  if (entry.stageMs) return STAGES.map((stage, i) => entry.stageMs[stage] ?? configured[i]);
  if (!config.randomDurationsMs) return configured;
  const [min, max] = config.randomDurationsMs;
  const total = min + Math.random() * (max - min);
  const sum = configured.reduce((a, b) => a + b, 0);
  return sum > 0 ? configured.map((ms) => (total * ms) / sum) : STAGES.map(() => total / STAGES.length);
}

/**
 * Creates a task for an item of content.json (`kind` is a row of js/render-kinds.js) and returns it.
 */
export function createTask(state, { kind, id, format, width, height, dashboardFilters, dashboardStyle, pdf }) {
  const entry = state.content[kind.path][id];
  const createdAt = Date.now();
  const taskId = randomBytes(16).toString('hex');
  const initial = {
    can: { show: true },
    created_at: new Date(createdAt).toISOString(),
    dashboard_filters: dashboardFilters ?? null,
    dashboard_id: null,
    dashboard_style: dashboardStyle ?? null,
    finalized_at: null,
    height,
    id: taskId,
    look_id: null,
    lookml_dashboard_id: null,
    query_id: null,
    dashboard_element_id: null,
    query_runtime: null,
    render_runtime: null,
    result_format: format,
    runtime: null,
    status: 'enqueued_for_query',
    status_detail: null,
    user_id: '1',
    width,
  };
  // A LookML dashboard's id is `model::name`; Looker reports it apart from user-defined dashboards'.
  const lookmlDashboard = kind.kind === 'dashboard' && id.includes('::');
  initial[lookmlDashboard ? 'lookml_dashboard_id' : kind.idName] = id;
  const task = {
    initial, // the RenderTask as created; renderTaskAt() moves it along
    createdAt,
    stageMs: stageDurations(state.config, entry),
    failure: entry.fail ?? null, // { stage, status_detail } from content.json
    title: entry.title,
    pdf,
  };
  state.tasks.set(taskId, task);
  return task;
}

const seconds = (ms) => Math.round(ms) / 1000;

/** The RenderTask JSON of a created task as it stands at `now`. */
export function renderTaskAt(task, now = Date.now()) {
  const renderTask = structuredClone(task.initial);
  const [queued, querying, queuedForRender, rendering] = task.stageMs;
  const elapsed = now - task.createdAt;
  const finish = (atMs, status, detail) => {
    renderTask.status = status;
    renderTask.status_detail = detail ?? null;
    renderTask.finalized_at = new Date(task.createdAt + atMs).toISOString();
    renderTask.runtime = seconds(atMs);
  };
  const queryDone = queued + querying;
  const renderDone = queryDone + queuedForRender + rendering;
  if (elapsed < queued) renderTask.status = 'enqueued_for_query';
  else if (elapsed < queryDone) renderTask.status = 'querying';
  else if (task.failure?.stage === 'querying') {
    renderTask.query_runtime = seconds(querying);
    finish(queryDone, 'failure', task.failure.status_detail ?? 'Query failed');
  } else {
    renderTask.query_runtime = seconds(querying);
    if (elapsed < queryDone + queuedForRender) renderTask.status = 'enqueued_for_render';
    else if (elapsed < renderDone) renderTask.status = 'rendering';
    else {
      renderTask.render_runtime = seconds(rendering);
      if (task.failure) finish(renderDone, 'failure', task.failure.status_detail ?? 'Render failed');
      else finish(renderDone, 'success');
    }
  }
  return renderTask;
}

/** A created task or a fixture by id: `{ task (null for a fixture), renderTask }`, or null. */
export function findRenderTask(state, id) {
  const task = state.tasks.get(id);
  if (task) return { task, renderTask: renderTaskAt(task) };
  const fixture = state.fixtureTasks.get(id);
  if (fixture) return { task: null, renderTask: structuredClone(fixture) };
  return null;
}

/** The result of a finished task, `{ contentType, bytes }`: rendered on the first call, cached after. */
export function taskResult(state, id, renderTask, task) {
  if (!state.results.has(id)) {
    const details = task ? { ...task.pdf, title: task.title } : {};
    const dashboard = state.content.dashboards[renderTask.dashboard_id];
    if (!task && renderTask.dashboard_id && dashboard) details.title = dashboard.title;
    const rendering = loadRender()
      .then((render) => render.renderResult(renderTask, details))
      .then((result) => { state.resultBytes.set(id, result.bytes); return result; });
    rendering.catch(() => state.results.delete(id)); // a failed render is tried again next time
    state.results.set(id, rendering);
  }
  return state.results.get(id);
}
