// Where your Looker is, and the OAuth app a Looker admin registered for this
// page (README.md). As shipped, these are the sandbox's (`npm start` in the
// repository), for a page served at http://127.0.0.1:8200/.
export const config = {
  // The Looker API host, LookerClient's `baseUrl`: https://acme.looker.com:19999
  baseUrl: 'http://127.0.0.1:8100',
  // The Looker web UI, where people sign in: https://acme.looker.com
  lookerUrl: 'http://127.0.0.1:8101',
  // The `client_guid` the app was registered with
  clientId: 'looker-render-web-app',
  // Exactly the registered `redirect_uri`: this page, without its query
  redirectUri: `${location.origin}${location.pathname}`,
  // The dashboard to render
  dashboardId: '42',
};
