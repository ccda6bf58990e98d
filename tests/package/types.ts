// Compiled with `tsc --noEmit` against the installed package: fails if a type
// is wrong or `any` (each @ts-expect-error must find an error).
import {
  LookerClient, LookerApiError, LookerError, RenderTaskFailedError, RenderTimeoutError, RenderNotReadyError,
  type RenderTask, type RenderTaskStatus, type RenderResult, type RenderTaskResults,
  type RenderOutcome, type BatchOptions, type DashboardFilters, LookerOAuthError, type OAuthOptions,
} from 'looker-render';
import { LookerClient as InlineLookerClient, LookerApiError as InlineLookerApiError } from 'looker-render/inline';
import { mergePdfs, type PdfBytes } from 'looker-render/pdf';
import { renderKinds } from 'looker-render/render-kinds';

/** True only when T is exactly `any`. */
type IsAny<T> = 0 extends 1 & T ? true : false;
function notAny<T>(value: T, ..._proof: IsAny<T> extends true ? ['this is any'] : []): T {
  return value;
}

const client = new LookerClient({ baseUrl: 'https://acme.looker.com:19999', accessToken: 't', timeoutMs: 1000, fetch });

async function uses(): Promise<void> {
  const task: RenderTask = notAny(await client.renderTask('1', { fields: ['id', 'status'] }));
  const status: RenderTaskStatus | null | undefined = notAny(task.status);
  const known: RenderTaskStatus = 'success';
  const unknown: RenderTaskStatus = 'paused'; // unknown statuses are allowed
  const id: string | undefined = notAny(task.id);
  const width: number | null | undefined = notAny(task.width);
  const can: Record<string, boolean> | undefined = notAny(task.can);
  const detail: string | null | undefined = notAny(task.status_detail);
  void [status, known, unknown, id, width, can, detail];

  const created: RenderTask = notAny(await client.createLookRenderTask('7', 'png', 800, 600));
  await client.createQueryRenderTask('1', 'jpg', 800, 600, { fields: 'id' });
  await client.createDashboardElementRenderTask('101', 'png', 800, 600, { signal: AbortSignal.timeout(1000) });
  await client.createDashboardRenderTask({
    dashboard_id: '42', result_format: 'pdf', width: 1920, height: 1080,
    body: { dashboard_filters: 'a=1', dashboard_style: 'tiled', tab_ids: ['t'] },
    pdf_paper_size: 'a4', pdf_landscape: true, long_tables: false, theme: 'dark',
  });
  const results: RenderTaskResults = notAny(await client.renderTaskResults(created.id ?? ''));
  const bytes: Uint8Array = notAny(results.bytes);
  const contentType: string = notAny(results.contentType);
  const done: RenderTask = notAny(await client.waitForRenderTask('1', { timeoutMs: 1000, onProgress: (t) => void t.status }));
  const rendered: RenderResult = notAny(await client.render({ dashboard_id: '42', result_format: 'pdf', width: 1, height: 1, pdf_paper_size: 'a4' }));
  const renderedBytes: Uint8Array = rendered.bytes;
  const renderedTask: RenderTask = rendered.task;
  await client.render({ look_id: '7', result_format: 'png', width: 1, height: 1 }, { signal: new AbortController().signal });
  void [bytes, contentType, done, renderedBytes, renderedTask];

  try {
    await client.renderTask('1');
  } catch (error) {
    if (error instanceof LookerApiError) {
      const code: number = notAny(error.status);
      const link: string | null = notAny(error.documentation_url);
      const message: string = error.message;
      const field: string | null | undefined = error.errors?.[0]?.field;
      void [code, link, message, field];
    }
    if (error instanceof RenderTaskFailedError) void (notAny(error.task) satisfies RenderTask);
    if (error instanceof RenderTimeoutError) void (error.task satisfies RenderTask | null);
    if (error instanceof RenderNotReadyError) void (error.retryAfterMs satisfies number | null);
    if (error instanceof LookerError) void (error satisfies Error);
  }
}

async function batches(): Promise<void> {
  const filters: DashboardFilters = { Region: 'EMEA', 'Order Date': '7 days', Tags: ['a,b', 'c'], Year: 2024 };
  const options: BatchOptions = { concurrency: 4, timeoutMs: 60_000, signal: new AbortController().signal, onProgress: (index, task) => void [index satisfies number, notAny(task) satisfies RenderTask] };
  const outcomes: RenderOutcome[] = await client.renderAll([
    { look_id: '7', result_format: 'png', width: 1, height: 1 },
    { dashboard_id: '42', result_format: 'pdf', width: 1, height: 1, body: { dashboard_filters: filters } },
  ], options);
  for (const outcome of outcomes) {
    if (outcome.ok) void (notAny(outcome.bytes) satisfies Uint8Array, notAny(outcome.task) satisfies RenderTask);
    else void (notAny(outcome.error) satisfies Error);
  }
  for await (const outcome of client.renderMany([{ query_id: '1', result_format: 'jpg', width: 1, height: 1 }])) {
    void (notAny(outcome.index) satisfies number);
    if (outcome.ok) void (outcome.contentType satisfies string);
  }
  // @ts-expect-error a batch is an array of requests
  void client.renderAll({ look_id: '7', result_format: 'png', width: 1, height: 1 });
  // @ts-expect-error filter values are strings or numbers
  void client.render({ dashboard_id: '42', result_format: 'pdf', width: 1, height: 1, body: { dashboard_filters: { Region: true } } });
}

async function signIn(): Promise<void> {
  const oauth: OAuthOptions = { clientId: 'app', redirectUri: 'https://app.example.com/', lookerUrl: 'https://acme.looker.com' };
  const looker = new LookerClient({ baseUrl: 'https://acme.looker.com:19999', oauth });
  const url: string = notAny(await looker.startOAuthLogin());
  void url;
  await looker.completeOAuthLogin('https://app.example.com/?code=c&state=s').catch((error: unknown) => {
    if (error instanceof LookerOAuthError) void (notAny(error.code) satisfies string);
  });
  // @ts-expect-error oauth needs all three
  void new LookerClient({ baseUrl: 'https://acme.looker.com:19999', oauth: { clientId: 'app' } });
}

function misuse(): void {
  // @ts-expect-error baseUrl is required
  new LookerClient({ accessToken: 't' });
  // @ts-expect-error ids are strings, not numbers
  void client.renderTask(42);
  // @ts-expect-error fields are strings
  void client.renderTask('1', { fields: 7 });
  // @ts-expect-error looks do not render to pdf
  void client.createLookRenderTask('7', 'pdf', 800, 600);
  // @ts-expect-error a render has one id, not two
  void client.render({ look_id: '7', dashboard_id: '42', result_format: 'png', width: 1, height: 1 });
  // @ts-expect-error a look does not take dashboard options
  void client.render({ look_id: '7', result_format: 'png', width: 1, height: 1, pdf_landscape: true });
  // @ts-expect-error unknown paper size
  void client.render({ dashboard_id: '42', result_format: 'pdf', width: 1, height: 1, pdf_paper_size: 'a9' });
  // @ts-expect-error RenderTask has no such property
  void ({} as RenderTask).no_such_property;
}

async function entries(results: RenderResult[]): Promise<Uint8Array> {
  const inline: LookerClient = new InlineLookerClient({ baseUrl: 'https://acme.looker.com', accessToken: 't' });
  void (notAny(await inline.renderTask('1')) satisfies RenderTask);
  void (new InlineLookerApiError('m', { status: 404 }) satisfies LookerError);
  const merged: Uint8Array = notAny(await mergePdfs(results.map((result) => result.bytes)));
  const items: PdfBytes[] = [merged, new ArrayBuffer(8)];
  // @ts-expect-error mergePdfs takes a list, not one PDF
  void mergePdfs(merged);
  // @ts-expect-error a file name is not bytes
  void mergePdfs(['report.pdf']);
  const look: 'look' = notAny(renderKinds.kinds[0].kind);
  const formats: readonly string[] = renderKinds.formats.map((format) => format.contentType);
  // @ts-expect-error the table is read-only
  renderKinds.maxDimension = 1;
  void [look, formats];
  return mergePdfs(items);
}

void uses;
void batches;
void signIn;
void misuse;
void entries;
