//! Signing a user in from a web app: OAuth 2 with PKCE, as Looker and
//! `@looker/sdk`'s `OAuthSession` do it.
//!
//! 1. The app sends the browser to [`authorize_url`] on the Looker web UI,
//!    with the S256 challenge of a random verifier and a random state (the
//!    JS layer makes those with Web Crypto and keeps them in
//!    `sessionStorage` until the redirect).
//! 2. Looker sends the browser back to the redirect URI with `code` and
//!    `state` (or `error`); [`read_redirect`] checks it before any request.
//! 3. [`redeem`] trades the code and verifier for tokens at
//!    `POST /api/token`; [`refresh`] trades the refresh token for new ones
//!    before the access token expires and once after a 401.
//! 4. Calls send `Authorization: Bearer …`; [`logout`] revokes the grant.

use crate::auth::Auth;
use crate::call::Op;
use crate::error::{ArgumentError, Error};
use crate::request::{Body, Expect, Method, Request};
use crate::response::{Answer, Body as AnswerBody};
use crate::schema;
use crate::text;
use crate::url::{ApiBase, Query};
use crate::value::{Kind, Value};

/// The one scope Looker grants OAuth apps: calling the API from a browser.
pub const SCOPE: &str = "cors_api";

/// The OAuth app a client signs in as: what the Looker admin registered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OAuthApp {
    /// The app's `client_guid` as registered in Looker.
    pub client_id: String,
    /// The page Looker sends the browser back to, exactly as registered.
    pub redirect_uri: String,
    /// The Looker web UI (`https://acme.looker.com`), where `/auth` is.
    pub looker_url: String,
}

impl OAuthApp {
    /// Checks `{ clientId, redirectUri, lookerUrl }` (read by the input
    /// module); `allow_insecure_http` as for `baseUrl`.
    pub fn new(
        client_id: String,
        redirect_uri: String,
        looker_url: &str,
        allow_insecure_http: bool,
    ) -> Result<Self, ArgumentError> {
        if client_id.is_empty() {
            return Err(ArgumentError::type_error("options.oauth", "clientId", "must be a non-empty string"));
        }
        let is_http_url = |url: &str| {
            // The scheme in any case, compared in place (no lowercased copy).
            let scheme = |scheme: &str| url.get(..scheme.len()).is_some_and(|head| head.eq_ignore_ascii_case(scheme));
            (scheme("https://") || scheme("http://")) && !url.bytes().any(|b| b <= b' ')
        };
        if !is_http_url(&redirect_uri) {
            return Err(ArgumentError::type_error(
                "options.oauth",
                "redirectUri",
                "must be the http(s) URL of the page Looker sends the browser back to, as registered",
            ));
        }
        let looker = ApiBase::parse(looker_url).map_err(|error| ArgumentError {
            object: "options.oauth",
            key: "lookerUrl",
            ..error
        })?;
        if !(looker.is_https() || looker.is_loopback() || allow_insecure_http) {
            return Err(ArgumentError::type_error(
                "options.oauth",
                "lookerUrl",
                "must use https (http is allowed to this machine, or with allowInsecureHttp: true)",
            ));
        }
        Ok(Self { client_id, redirect_uri, looker_url: looker.site().to_owned() })
    }
}

/// Where the browser goes to sign in: `{lookerUrl}/auth?response_type=code&…`.
pub fn authorize_url(app: &OAuthApp, code_challenge: &str, state: &str) -> String {
    let mut query = Query::default();
    query.push("response_type", "code");
    query.push("client_id", &app.client_id);
    query.push("redirect_uri", &app.redirect_uri);
    query.push("scope", SCOPE);
    query.push("code_challenge", code_challenge);
    query.push("code_challenge_method", "S256");
    query.push("state", state);
    text!(app.looker_url, "/auth?", query.as_str())
}

/// Why a sign-in cannot go on: a `LookerOAuthError` with this `code`.
pub fn failure<V>(code: &'static str, message: impl Into<String>) -> Error<V> {
    Error::OAuth { code: code.into(), message: message.into() }
}

/// What sign-in `startOAuthLogin()` left for the redirect page
/// (`sessionStorage`): its state and verifier.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pending {
    /// The state sent to Looker.
    pub state: String,
    /// The verifier whose challenge was sent.
    pub verifier: String,
}

impl Pending {
    /// Reads what the JS layer kept, if it is one (anything else reads as none).
    pub fn read<V: Value>(value: &V) -> Option<Self> {
        // Each a non-empty string, read as a redirect's parameters are.
        (value.kind() == Kind::Object).then_some(())?;
        Some(Self { state: value.param("state")?, verifier: value.param("verifier")? })
    }
}

/// The query parameters of a redirect that matter here (the JS layer reads
/// them with `URL`): `code`, `state`, `error`, `error_description`.
pub trait Redirect {
    /// The parameter's value, if present and not empty.
    fn param(&self, name: &'static str) -> Option<String>;
}

impl<V: Value> Redirect for V {
    fn param(&self, name: &'static str) -> Option<String> {
        self.get(name).and_then(|value| value.string()).filter(|value| !value.is_empty())
    }
}

/// The code of a redirect, once it is known to answer the sign-in `pending`
/// started in this tab; no request is made for anything else.
pub fn read_redirect<V>(redirect: &impl Redirect, pending: Option<Pending>) -> Result<(String, String), Error<V>> {
    let param = |name| redirect.param(name);
    // The state first, even for an error: an answer this tab did not ask for
    // (a forged or replayed redirect) is not believed, whatever it says.
    let Some(pending) = pending else {
        return Err(failure(
            "no_login_pending",
            "no sign-in is waiting for this redirect in this tab: its code was used already, or startOAuthLogin() was not called here",
        ));
    };
    if param("state").as_deref() != Some(pending.state.as_str()) {
        return Err(failure("state_mismatch", "the redirect's state is not the one this tab sent: the sign-in was not started here, or the URL was changed"));
    }
    if let Some(error) = param("error") {
        let description = param("error_description").map_or(String::new(), |d| text!(" (", d, ")"));
        let message = match error.as_str() {
            "access_denied" => text!("sign-in with Looker was denied", description),
            _ => text!("sign-in with Looker failed: ", error, description),
        };
        return Err(Error::OAuth { code: error, message });
    }
    match param("code") {
        Some(code) => Ok((code, pending.verifier)),
        None => Err(failure("missing_code", "the redirect has no code")),
    }
}

/// The app of a client that signs in with OAuth, or the mistake of asking
/// another client to: `method` names the method in the message.
pub fn app_of<'a>(auth: &'a Auth, method: &'static str) -> Result<&'a OAuthApp, ArgumentError> {
    match auth {
        Auth::OAuth(app) => Ok(app),
        _ => Err(ArgumentError::type_error("", method, "needs a client made with the oauth option: new LookerClient({ baseUrl, oauth: { clientId, redirectUri, lookerUrl } })")),
    }
}

/// `startOAuthLogin()`: the URL to send the browser to, given the S256
/// challenge and state the JS layer made (none when the page has no Web
/// Crypto or sessionStorage to make and keep them).
pub fn start<V>(auth: &Auth, challenge_and_state: Option<(String, String)>) -> Result<String, Error<V>> {
    let app = app_of(auth, "startOAuthLogin()")?;
    match challenge_and_state {
        Some((challenge, state)) => Ok(authorize_url(app, &challenge, &state)),
        None => Err(failure(
            "no_web_crypto",
            "signing in with OAuth needs Web Crypto (crypto.subtle) and sessionStorage, which browsers give only to secure pages: serve the app over https or from localhost",
        )),
    }
}

/// `completeOAuthLogin(url)`: the sign-in to make, once the redirect (its
/// query parameters as an object, `undefined` when the url is not a URL) is
/// checked against what the tab kept (`pending`, as the JS layer read it
/// from sessionStorage). Nothing is sent for a redirect that fails a check.
pub fn sign_in<V: Value>(auth: &Auth, redirect: &V, pending: &V) -> Result<Op, Error<V>> {
    app_of(auth, "completeOAuthLogin()")?;
    if redirect.kind() != Kind::Object {
        return Err(ArgumentError::type_error(
            "",
            "url",
            "must be the URL Looker sent the browser back to (location.href)",
        )
        .into());
    }
    let (code, verifier) = read_redirect(redirect, Pending::read(pending))?;
    Ok(Op::SignIn { code, verifier })
}

/// `POST /api/token` trading an authorization code for tokens.
pub fn redeem(base: &ApiBase, app: &OAuthApp, code: &str, verifier: &str) -> Request {
    let mut form = Query::default();
    form.push("grant_type", "authorization_code");
    form.push("client_id", &app.client_id);
    form.push("redirect_uri", &app.redirect_uri);
    form.push("code", code);
    form.push("code_verifier", verifier);
    token_request(base, form)
}

/// `POST /api/token` trading the refresh token for new tokens.
pub fn refresh(base: &ApiBase, app: &OAuthApp, refresh_token: &str) -> Request {
    let mut form = Query::default();
    form.push("grant_type", "refresh_token");
    form.push("client_id", &app.client_id);
    form.push("redirect_uri", &app.redirect_uri);
    form.push("refresh_token", refresh_token);
    token_request(base, form)
}

fn token_request(base: &ApiBase, form: Query) -> Request {
    Request {
        method: Method::Post,
        url: text!(base.site(), "/api/token"),
        body: Some(Body::Form(form.into_string())),
        authenticated: false,
        expect: Expect::Json,
    }
}

/// `DELETE /api/logout`: ends the grant (its refresh token too).
pub fn logout(base: &ApiBase) -> Request {
    Request {
        method: Method::Delete,
        url: text!(base.site(), "/api/logout"),
        body: None,
        authenticated: true,
        expect: Expect::Json,
    }
}

/// The tokens of a token endpoint's answer: access token, its lifetime in
/// seconds, refresh token. A refusal (`{ error, error_description }`, 400)
/// is a `LookerOAuthError` with Looker's code; `signing_in` says whether it
/// was the code's redemption (else a refresh, whose refusal means: sign in again).
pub fn tokens_from<V: Value>(
    answer: Answer<V>,
    signing_in: bool,
) -> Result<(String, Option<f64>, Option<String>), Error<V>> {
    let status = answer.head.status;
    if matches!(status, 400 | 401) {
        let said = |name| match &answer.body {
            AnswerBody::Json(body) => schema::string_of(body, name),
            _ => None,
        };
        let code = said("error").unwrap_or_else(|| "invalid_grant".into());
        let description = said("error_description").map_or(String::new(), |d| text!(" (", d, ")"));
        return Err(match signing_in {
            true => Error::OAuth { message: text!("Looker refused the sign-in's code: ", code, description), code },
            false => failure(
                "sign_in_required",
                text!(
                    "the sign-in has ended: Looker refused its refresh token: ",
                    code,
                    description,
                    "; sign in again with startOAuthLogin()"
                ),
            ),
        });
    }
    let body = answer.checked(&schema::ACCESS_TOKEN, "AccessToken")?;
    let token = schema::string_of(&body, "access_token").filter(|token| crate::auth::is_usable_secret(token));
    let Some(token) = token else {
        return Err(Error::response("the answer has no usable access_token"));
    };
    let refresh = schema::string_of(&body, "refresh_token").filter(|token| crate::auth::is_usable_secret(token));
    Ok((token, body.field("expires_in").and_then(|v| v.number()), refresh))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::response::Head;
    use serde_json::{json, Value as Json};

    fn app() -> OAuthApp {
        OAuthApp::new(
            "web-app".into(),
            "https://app.example.com/signed-in?x=1".into(),
            "https://acme.looker.com/",
            false,
        )
        .unwrap()
    }

    fn pending() -> Option<Pending> {
        Some(Pending { state: "st8".into(), verifier: "v".repeat(43) })
    }

    #[test]
    fn the_authorize_url_is_looker_s() {
        assert_eq!(
            authorize_url(&app(), "ch_al-lenge", "st8"),
            "https://acme.looker.com/auth?response_type=code&client_id=web-app&redirect_uri=https%3A%2F%2Fapp.example.com%2Fsigned-in%3Fx%3D1&scope=cors_api&code_challenge=ch_al-lenge&code_challenge_method=S256&state=st8"
        );
    }

    #[test]
    fn the_app_is_checked() {
        let new = |id: &str, redirect: &str, looker: &str| {
            OAuthApp::new(id.into(), redirect.into(), looker, false).map(|_| ()).unwrap_err().message()
        };
        assert!(new("", "https://a", "https://b").starts_with("options.oauth.clientId"));
        assert!(new("x", "/relative", "https://b").starts_with("options.oauth.redirectUri"));
        assert!(new("x", "https://a", "acme.looker.com").starts_with("options.oauth.lookerUrl"));
        assert!(new("x", "https://a", "http://acme.looker.com").contains("https"));
        assert_eq!(
            OAuthApp::new("x".into(), "http://localhost:8080/".into(), "http://127.0.0.1:9999", false)
                .unwrap()
                .looker_url,
            "http://127.0.0.1:9999"
        );
    }

    #[test]
    #[allow(clippy::result_large_err)] // serde_json values make the error large
    fn a_redirect_is_checked_before_any_request() {
        // The parameters as js/client.js reads them with URL.
        let read = |url: &str, pending: Option<Pending>| {
            let params: serde_json::Map<String, Json> = url
                .split_once('?')
                .map_or("", |(_, query)| query)
                .split('&')
                .filter_map(|pair| pair.split_once('='))
                .map(|(key, value)| (key.to_owned(), json!(value.replace('+', " ").replace("%2B", "+"))))
                .collect();
            read_redirect::<Json>(&Json::Object(params), pending)
        };
        let code_of = |error: Error<Json>| match error {
            Error::OAuth { code, .. } => code,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            read("https://app.example.com/signed-in?code=c%2B1&state=st8", pending()),
            Ok(("c+1".into(), "v".repeat(43)))
        );
        assert_eq!(
            code_of(read("https://app.example.com/?error=access_denied&state=st8", pending()).unwrap_err()),
            "access_denied"
        );
        assert_eq!(
            code_of(read("https://app.example.com/?code=c&state=other", pending()).unwrap_err()),
            "state_mismatch"
        );
        // An error is believed only with the state this tab sent.
        assert_eq!(
            code_of(read("https://app.example.com/?error=access_denied&state=forged", pending()).unwrap_err()),
            "state_mismatch"
        );
        assert_eq!(
            code_of(read("https://app.example.com/?error=access_denied&state=st8", None).unwrap_err()),
            "no_login_pending"
        );
        assert_eq!(code_of(read("https://app.example.com/?code=c", pending()).unwrap_err()), "state_mismatch");
        assert_eq!(code_of(read("https://app.example.com/?state=st8", pending()).unwrap_err()), "missing_code");
        // A code replayed after the sign-in used it: nothing is pending any more.
        assert_eq!(code_of(read("https://app.example.com/?code=c&state=st8", None).unwrap_err()), "no_login_pending");
        let denied = read(
            "https://app.example.com/?error=access_denied&error_description=The+user+said+no&state=st8",
            pending(),
        )
        .unwrap_err();
        assert_eq!(denied.message(), "sign-in with Looker was denied (The user said no)");
    }

    #[test]
    fn token_requests_go_to_the_api_host_with_a_form() {
        let base = ApiBase::parse("https://acme.looker.com:19999").unwrap();
        let request = redeem(&base, &app(), "c&1", "ver");
        assert_eq!(request.url, "https://acme.looker.com:19999/api/token");
        assert_eq!(
            request.body.as_ref().unwrap().text(),
            "grant_type=authorization_code&client_id=web-app&redirect_uri=https%3A%2F%2Fapp.example.com%2Fsigned-in%3Fx%3D1&code=c%261&code_verifier=ver"
        );
        assert!(!request.authenticated);
        assert!(refresh(&base, &app(), "r").body.unwrap().text().starts_with("grant_type=refresh_token&"));
        assert_eq!(logout(&base).url, "https://acme.looker.com:19999/api/logout");
    }

    #[test]
    fn token_answers() {
        let answer =
            |status: u16, body: Json| Answer { head: Head { status, ..Head::default() }, body: AnswerBody::Json(body) };
        let ok =
            answer(200, json!({"access_token": "a", "token_type": "Bearer", "expires_in": 3600, "refresh_token": "r"}));
        assert_eq!(tokens_from(ok, true), Ok(("a".into(), Some(3600.0), Some("r".into()))));
        let refused = || answer(400, json!({"error": "invalid_grant", "error_description": "code used"}));
        let Err(Error::OAuth { code, message }) = tokens_from(refused(), true) else { panic!() };
        assert_eq!(
            (code.as_str(), message.as_str()),
            ("invalid_grant", "Looker refused the sign-in's code: invalid_grant (code used)")
        );
        let Err(Error::OAuth { code, message }) = tokens_from(refused(), false) else { panic!() };
        assert_eq!(code, "sign_in_required");
        assert!(message.contains("startOAuthLogin()"));
        assert!(matches!(tokens_from(answer(200, json!({"token_type": "Bearer"})), true), Err(Error::Response { .. })));
        assert!(matches!(tokens_from(answer(503, json!({"message": "down"})), true), Err(Error::Api(_))));
    }
}
