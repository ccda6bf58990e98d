// Compiled with `tsc --noEmit` (types.test.mjs) in a consumer project with the
// packed looker-render installed, against @looker/sdk and
// @looker/extension-sdk: our results flow into code written for @looker/sdk,
// and theirs into ours. Every @ts-expect-error must find its error.
import {
  LookerClient, LookerApiError,
  type RenderTask, type CreateDashboardRenderTask, type ValidationErrorDetail, type DashboardRenderTaskRequest,
} from 'looker-render';
import { extensionFetch, extensionClientOptions } from 'looker-render/extension';
import * as inline from 'looker-render/inline';
import type {
  IRenderTask, ICreateDashboardRenderTask, IValidationErrorDetail, IRequestCreateDashboardRenderTask, Looker40SDK,
} from '@looker/sdk';
import type { ExtensionSDK } from '@looker/extension-sdk';

/** Compiles only when T is exactly `true`. */
function holds<T extends true>(..._proof: [T] extends [true] ? [] : ['does not hold']): void {}
type Assignable<From, To> = [From] extends [To] ? true : false;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

// RenderTask <-> IRenderTask: assignable both ways, the same property names,
// and each property's type the same (our `status` names the known statuses
// but is still any string).
holds<Assignable<RenderTask, IRenderTask>>();
holds<Assignable<IRenderTask, RenderTask>>();
holds<Same<keyof RenderTask, keyof IRenderTask>>();
type PropertyTypesMatch = { [K in keyof IRenderTask]-?: Same<RenderTask[K], IRenderTask[K]> }[keyof IRenderTask];
holds<Same<PropertyTypesMatch, true>>();
holds<Same<Required<RenderTask>['status'], string | null>>();

// The dashboard request body: with filters as Looker's string, ours is narrower
// (dashboard_style is one of two values; no nulls), so ours fits theirs, not the
// other way round. Filters as an object are ours alone (the client encodes them).
holds<Assignable<CreateDashboardRenderTask & { dashboard_filters?: string }, ICreateDashboardRenderTask>>();
holds<Same<Assignable<CreateDashboardRenderTask, ICreateDashboardRenderTask>, false>>();
holds<Same<Assignable<ICreateDashboardRenderTask, CreateDashboardRenderTask>, false>>();

// Validation error details fit both ways: `documentation_url` is required
// (string | null), as Looker's spec says.
holds<Assignable<IValidationErrorDetail, ValidationErrorDetail>>();
holds<Assignable<ValidationErrorDetail, IValidationErrorDetail>>();

declare const sdk: Looker40SDK;
declare const looker: LookerClient;
declare const extensionSDK: ExtensionSDK;

/** Existing code written against @looker/sdk. */
function describeTask(task: IRenderTask): string {
  return `${task.id}: ${task.status}`;
}

async function flows(): Promise<void> {
  // Ours into theirs, one call at a time.
  describeTask(await looker.renderTask('1'));
  describeTask(await looker.createLookRenderTask('7', 'png', 800, 600));
  describeTask(await looker.waitForRenderTask('1'));
  describeTask((await looker.render({ look_id: '7', result_format: 'png', width: 800, height: 600 })).task);
  const kept: IRenderTask[] = [await looker.renderTask('1')];

  // Theirs into ours.
  const theirs: IRenderTask = await sdk.ok(sdk.create_look_render_task('7', 'png', 800, 600));
  const asOurs: RenderTask = theirs;
  await looker.waitForRenderTask(theirs.id ?? '');

  // Their dashboard request: wider types (result_format: string, nulls), so
  // it is not ours as is...
  const request: IRequestCreateDashboardRenderTask = {
    dashboard_id: '42', result_format: 'pdf', width: 1920, height: 1080, body: { dashboard_style: 'tiled' }, pdf_paper_size: 'a4',
  };
  // @ts-expect-error result_format: string is not 'png' | 'jpg' | 'pdf'
  await looker.createDashboardRenderTask(request);
  // ...but the same literal is.
  const ours: DashboardRenderTaskRequest = {
    dashboard_id: '42', result_format: 'pdf', width: 1920, height: 1080, body: { dashboard_style: 'tiled' }, pdf_paper_size: 'a4',
  };
  await looker.createDashboardRenderTask(ours);

  // render_task_results: theirs is typed string (a Blob or Buffer at run
  // time); ours is bytes.
  const bytes: Uint8Array = (await looker.renderTaskResults('1')).bytes;
  // @ts-expect-error our bytes are not their string
  const asString: string = bytes;

  // Error details flow into ours.
  try { await looker.renderTask('1'); } catch (error) {
    if (error instanceof LookerApiError) {
      const details: ValidationErrorDetail[] = error.errors ?? [];
      const fromThem: IValidationErrorDetail[] = [];
      const merged: ValidationErrorDetail[] = [...details, ...fromThem];
      void merged;
    }
  }
  void [kept, asOurs, asString];
}

// The extension adapter takes the extension SDK as its types describe it, or
// a Looker40SDK, and nothing else.
new LookerClient(extensionClientOptions(extensionSDK));
new LookerClient({ ...extensionClientOptions(sdk), timeoutMs: 300_000 });
new LookerClient({ baseUrl: 'https://acme.looker.com', fetch: extensionFetch(extensionSDK) });
const f: typeof fetch = extensionFetch(sdk);
// @ts-expect-error not an SDK
extensionFetch({});
void [flows, f];

// looker-render/inline has the same types as the main entry.
const fromInline: LookerClient = new inline.LookerClient(extensionClientOptions(extensionSDK));
holds<Same<typeof inline.LookerApiError, typeof LookerApiError>>();
void fromInline;
