// A stand-in for the Looker page that hosts an extension, for Node tests.
//
// The extension side is the real @looker/extension-sdk: its host API object
// (what connectExtensionHost() resolves with: `extensionSDK`) and the
// Looker40SDK it makes (`core40SDK`). Only the postMessage channel (chatty)
// is replaced: requests and answers cross it by structuredClone, as
// postMessage clones them. The host side answers INVOKE_CORE_SDK and
// RAW_INVOKE_CORE_SDK the way a Looker host built on @looker/sdk-rtl does:
// its BrowserTransport calls the API (here the sandbox, with the sandbox's
// token as the user's session) and the raw response, binary bodies as Blobs,
// goes back as is (or parsed, for INVOKE_CORE_SDK).

import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { ExtensionHostApiImpl } = require('@looker/extension-sdk/lib/connect/extension_host_api');
// extension-sdk's LookerExtensionSDK.createClient(host) is exactly this; its
// module is not loaded here because the package's index touches `window`.
const { SdkConnection } = require('@looker/extension-sdk/lib/sdk/sdk_connection');
// The @looker/sdk that @looker/extension-sdk itself depends on.
const { LookerExtensionSDK, Looker40SDK } = createRequire(require.resolve('@looker/extension-sdk'))('@looker/sdk');
const { BrowserTransport, DefaultSettings } = require('@looker/sdk-rtl');

/**
 * @param {{ apiUrl: string, token: string, initialize?: boolean }} options
 * `apiUrl` is the API host (the sandbox's url); `initialize: false` leaves
 * the connection as before the host's INITIALIZE message.
 */
export function fakeLookerHost({ apiUrl, token, initialize = true }) {
  /** Every request the extension sent, as the host received it. */
  const calls = [];
  /** Optional: (request) => a Promise standing for the host's answer, replacing the real one. */
  let override = null;

  const transport = new BrowserTransport({ ...DefaultSettings(), base_url: apiUrl, timeout: 30 });
  const authenticator = async (init) => ({ ...init, headers: { ...init.headers, Authorization: `token ${token}` } });

  async function answer({ type, payload }) {
    if (type !== 'RAW_INVOKE_CORE_SDK' && type !== 'INVOKE_CORE_SDK') {
      throw new Error(`fake host: ${type} is not implemented`);
    }
    const { httpMethod, path, params, body, apiVersion } = payload;
    const url = `${apiUrl}/api/${apiVersion}${path}`;
    const raw = await transport.rawRequest(httpMethod, url, params, body, authenticator);
    return type === 'RAW_INVOKE_CORE_SDK' ? raw : transport.parseResponse(raw);
  }

  const chattyHost = {
    async sendAndReceive(event, message) {
      const request = structuredClone(message);
      calls.push({ event, type: request.type, ...request.payload });
      const reply = override ? await override(request) : await answer(request);
      return [structuredClone(reply)];
    },
    send(event, message) {
      calls.push({ event, type: message.type, ...message.payload, sent: true });
    },
  };

  const extensionSDK = new ExtensionHostApiImpl({ chattyHost });
  if (initialize) {
    extensionSDK.handleNotification({
      type: 'INITIALIZE',
      payload: { lookerVersion: '25.20.0', extensionId: 'looker_render::render_pdf', hostUrl: 'https://acme.looker.com', route: '/' },
    });
  }
  const core40SDK = LookerExtensionSDK.createClient(new SdkConnection(extensionSDK, '4.0'), Looker40SDK);

  return {
    extensionSDK,
    core40SDK,
    calls,
    /** Core API calls only (what LookerClient caused). */
    apiCalls: () => calls.filter((c) => c.type === 'RAW_INVOKE_CORE_SDK' || c.type === 'INVOKE_CORE_SDK'),
    clear: () => { calls.length = 0; },
    /** Replaces the host's answers (null: back to the real ones). */
    override: (fn) => { override = fn; },
    /** The real answer, for overrides that change it. */
    answer,
  };
}
