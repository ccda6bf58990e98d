// Render tasks the sandbox creates. Each gets its stage durations when it is
// created (durations.js) and joins the schedule (schedule.js); its status is
// read off the schedule's timeline at the time asked (no timers), and once it
// succeeds its result is rendered once and cached.
import { randomBytes } from 'node:crypto';
import { STAGES, SANDBOX_USER_ID } from './state.js';
import { stageDurations, targetKey } from './durations.js';
import { admit, advanceTo } from './schedule.js';
import { decodeDashboardFilters } from './filters.js';

// render.js pulls in pdf-lib, pngjs and jpeg-js: load it only when a result is first needed.
let renderModule;
const loadRender = () => (renderModule ??= import('./render.js'));

/** The filters a dashboard task received, decoded: `{ filters, filtersError }` (sandbox/filters.js). */
function receivedFilters(dashboardFilters) {
  if (dashboardFilters == null) return { filters: null, filtersError: null };
  try {
    return { filters: decodeDashboardFilters(dashboardFilters), filtersError: null };
  } catch (error) {
    return { filters: null, filtersError: error.message };
  }
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
    user_id: SANDBOX_USER_ID,
    width,
  };
  // A LookML dashboard's id is `model::name`; Looker reports it apart from user-defined dashboards'.
  const lookmlDashboard = kind.kind === 'dashboard' && id.includes('::');
  initial[lookmlDashboard ? 'lookml_dashboard_id' : kind.idName] = id;
  const target = { kindPath: kind.path, id, format, width, height };
  const seq = ++state.taskSeq;
  const durations = stageDurations(state.config, entry, target, seq);
  const task = {
    initial, // the RenderTask as created; renderTaskAt() moves it along
    seq,
    userId: SANDBOX_USER_ID,
    target,
    createdAt,
    stageMs: Object.fromEntries(STAGES.map((stage, i) => [stage, durations[i]])),
    // When each stage starts and ends, filled in by the schedule as it gets there (ms since the epoch).
    timeline: { queryStartedAt: null, queryEndedAt: null, renderStartedAt: null, finishedAt: null },
    failure: entry.fail ?? null, // { stage, status_detail } from content.json
    title: entry.title,
    pdf,
    ...receivedFilters(dashboardFilters),
  };
  state.tasks.set(taskId, task);
  admit(state, task);
  return task;
}

const seconds = (ms) => Math.round(ms) / 1000;

/** The RenderTask JSON of a created task as it stands at `now` (the schedule played up to `now`). */
export function renderTaskAt(task, now = Date.now()) {
  const renderTask = structuredClone(task.initial);
  const { timeline, stageMs, failure } = task;
  const finish = (at, status, detail) => {
    renderTask.status = status;
    renderTask.status_detail = detail ?? null;
    renderTask.finalized_at = new Date(at).toISOString();
    renderTask.runtime = seconds(at - task.createdAt);
  };
  if (timeline.queryStartedAt === null || now < timeline.queryStartedAt) renderTask.status = 'enqueued_for_query';
  else if (now < timeline.queryEndedAt) renderTask.status = 'querying';
  else if (failure?.stage === 'querying') {
    renderTask.query_runtime = seconds(stageMs.querying);
    finish(timeline.queryEndedAt, 'failure', failure.status_detail ?? 'Query failed');
  } else {
    renderTask.query_runtime = seconds(stageMs.querying);
    if (timeline.renderStartedAt === null || now < timeline.renderStartedAt) renderTask.status = 'enqueued_for_render';
    else if (now < timeline.finishedAt) renderTask.status = 'rendering';
    else {
      renderTask.render_runtime = seconds(stageMs.rendering);
      if (failure) finish(timeline.finishedAt, 'failure', failure.status_detail ?? 'Render failed');
      else finish(timeline.finishedAt, 'success');
    }
  }
  return renderTask;
}

/**
 * What the sandbox knows of a created task at `now`, for tests (GET /__sandbox/tasks):
 * what it was asked for, the filters it received, its durations and timeline, its status.
 */
export function taskRecord(task, now = Date.now()) {
  const { status } = renderTaskAt(task, now);
  return {
    id: task.initial.id,
    userId: task.userId,
    target: targetKey(task.target),
    kindPath: task.target.kindPath,
    contentId: task.target.id,
    format: task.target.format,
    width: task.target.width,
    height: task.target.height,
    createdAt: task.createdAt,
    status,
    dashboardFilters: task.initial.dashboard_filters,
    filters: structuredClone(task.filters),
    filtersError: task.filtersError,
    stageMs: { ...task.stageMs },
    timeline: { ...task.timeline },
  };
}

/** Every created task's record, in creation order, or the one with this id (null if none). */
export function taskRecords(state, id) {
  const now = Date.now();
  advanceTo(state, now);
  if (id !== undefined) {
    const task = state.tasks.get(id);
    return task ? taskRecord(task, now) : null;
  }
  return [...state.tasks.values()].map((task) => taskRecord(task, now));
}

/** A created task or a fixture by id: `{ task (null for a fixture), renderTask }`, or null. */
export function findRenderTask(state, id) {
  const task = state.tasks.get(id);
  if (task) {
    const now = Date.now();
    advanceTo(state, now);
    return { task, renderTask: renderTaskAt(task, now) };
  }
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
