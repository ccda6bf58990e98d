// The whole render job with @looker/sdk: create, poll every 500 ms as
// Looker's examples do, download the result as bytes.
import { Looker40SDK } from '@looker/sdk/lib/esm/4.0/methods';
import { AuthSession, BrowserTransport, DefaultSettings } from '@looker/sdk-rtl';

class TokenSession extends AuthSession {
  constructor(settings, transport, token) { super(settings, transport); this.token = token; }
  isAuthenticated() { return true; }
  async authenticate(props) { props.headers = { ...props.headers, Authorization: `token ${this.token}` }; return props; }
  async getToken() { return { access_token: this.token }; }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export async function renderLook(baseUrl, token, lookId, width, height) {
  const settings = { ...DefaultSettings(), base_url: baseUrl };
  const sdk = new Looker40SDK(new TokenSession(settings, new BrowserTransport(settings), token));
  const created = await sdk.ok(sdk.create_look_render_task(lookId, 'png', width, height));
  for (;;) {
    const task = await sdk.ok(sdk.render_task(created.id));
    if (task.status === 'failure') throw new Error(`render failed: ${task.status_detail}`);
    if (task.status === 'success') break;
    await sleep(500);
  }
  const blob = await sdk.ok(sdk.render_task_results(created.id));
  return new Uint8Array(await blob.arrayBuffer());
}
