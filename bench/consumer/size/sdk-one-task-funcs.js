// The same with the SDK's functional API (one function per endpoint), in
// case it tree-shakes smaller than the class.
import { functionalSdk40, render_task } from '@looker/sdk/lib/esm/4.0/funcs';
import { AuthSession, BrowserTransport, DefaultSettings } from '@looker/sdk-rtl';

class TokenSession extends AuthSession {
  constructor(settings, transport, token) { super(settings, transport); this.token = token; }
  isAuthenticated() { return true; }
  async authenticate(props) { props.headers = { ...props.headers, Authorization: `token ${this.token}` }; return props; }
  async getToken() { return { access_token: this.token }; }
}

export async function getRenderTask(baseUrl, token, id) {
  const settings = { ...DefaultSettings(), base_url: baseUrl };
  const sdk = functionalSdk40(new TokenSession(settings, new BrowserTransport(settings), token));
  return sdk.ok(render_task(sdk, id));
}
