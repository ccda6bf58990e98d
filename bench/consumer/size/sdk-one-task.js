// The smallest @looker/sdk program that gets one render task: the
// Looker40SDK class (deep import: the root ES module entry re-exports a
// type, which esbuild rejects), the fetch transport and a token session.
import { Looker40SDK } from '@looker/sdk/lib/esm/4.0/methods';
import { AuthSession, BrowserTransport, DefaultSettings } from '@looker/sdk-rtl';

class TokenSession extends AuthSession {
  constructor(settings, transport, token) { super(settings, transport); this.token = token; }
  isAuthenticated() { return true; }
  async authenticate(props) { props.headers = { ...props.headers, Authorization: `token ${this.token}` }; return props; }
  async getToken() { return { access_token: this.token }; }
}

export async function getRenderTask(baseUrl, token, id) {
  const settings = { ...DefaultSettings(), base_url: baseUrl };
  const sdk = new Looker40SDK(new TokenSession(settings, new BrowserTransport(settings), token));
  return sdk.ok(sdk.render_task(id));
}
