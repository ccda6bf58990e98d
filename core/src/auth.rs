//! Authentication policy: which way a client signs in, the token it holds,
//! when that is due for renewal, one login for any number of concurrent
//! calls, and what a failed login says. Pure state and functions; the calls
//! of [`crate::call`] drive them.

use crate::error::{ApiError, ArgumentError, Error};
use crate::oauth::OAuthApp;
use crate::response::Answer;
use crate::schema;
use crate::url::ApiBase;
use crate::value::Value;

/// How a client authenticates, as the caller configured it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Auth {
    /// No `Authorization` header: an injected transport (a Looker extension
    /// host, a proxy) authenticates the requests itself.
    Transport,
    /// A fixed access token (held by the [`Session`]).
    Token,
    /// A callback that returns the current token (hosts that own the session).
    Callback,
    /// API credentials: the client logs in, caches and renews its token.
    Credentials {
        /// Looker's client id.
        client_id: String,
        /// Looker's client secret: only ever written into a login's form body.
        client_secret: String,
    },
    /// A user signed in with OAuth (PKCE): bearer tokens from `/api/token`,
    /// refreshed with the refresh token.
    OAuth(OAuthApp),
}

impl Auth {
    /// Whether a 401 may be cured by asking for a token again.
    pub fn renews(&self) -> bool {
        matches!(self, Self::Callback | Self::Credentials { .. } | Self::OAuth(_))
    }

    /// The `Authorization` header of `token`: Looker's `token` scheme, or
    /// `Bearer` for OAuth's tokens.
    pub fn header(&self, token: &str) -> String {
        match self {
            Self::OAuth(_) => crate::text!("Bearer ", token),
            _ => crate::text!("token ", token),
        }
    }

    /// What a 401 that the client could not cure says: how it signed in,
    /// never with what.
    pub fn refused(&self) -> &'static str {
        match self {
            Self::Transport => "The client signed in through its fetch (no token of its own), and Looker did not accept that",
            Self::Token => "The client signed in with options.accessToken, and Looker did not accept it (API tokens expire after an hour)",
            Self::Callback => "The client signed in with options.getAccessToken, and Looker did not accept its token, asked for twice",
            Self::Credentials { .. } => "The client signed in with options.clientId and clientSecret, and Looker did not accept the token of a new login either",
            Self::OAuth(_) => "The client signed in with OAuth, and Looker did not accept its token even after a refresh: sign in again with startOAuthLogin()",
        }
    }
}

/// Which options were given, for [`auth_mode`].
#[derive(Clone, Copy, Debug, Default)]
pub struct AuthOptions {
    /// `accessToken` is set.
    pub access_token: bool,
    /// `getAccessToken` is set.
    pub get_access_token: bool,
    /// `clientId` is set.
    pub client_id: bool,
    /// `clientSecret` is set.
    pub client_secret: bool,
    /// `fetch` is set (a transport that may authenticate by itself).
    pub fetch: bool,
    /// `oauth` is set.
    pub oauth: bool,
}

/// How a client may authenticate, before the values are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthMode {
    /// See [`Auth::Transport`].
    Transport,
    /// See [`Auth::Token`].
    Token,
    /// See [`Auth::Callback`].
    Callback,
    /// See [`Auth::Credentials`].
    Credentials,
    /// See [`Auth::OAuth`].
    OAuth,
}

/// Picks the one way to authenticate, or says why the options are wrong.
pub fn auth_mode(options: AuthOptions) -> Result<AuthMode, ArgumentError> {
    if options.client_id != options.client_secret {
        let missing = if options.client_id { "clientSecret" } else { "clientId" };
        return Err(ArgumentError::type_error(
            "options",
            missing,
            "is required: give clientId and clientSecret together",
        ));
    }
    let credentials = options.client_id;
    let given = usize::from(options.access_token)
        + usize::from(options.get_access_token)
        + usize::from(credentials)
        + usize::from(options.oauth);
    match given {
        0 if options.fetch => Ok(AuthMode::Transport),
        1 if options.access_token => Ok(AuthMode::Token),
        1 if options.get_access_token => Ok(AuthMode::Callback),
        1 if options.oauth => Ok(AuthMode::OAuth),
        1 => Ok(AuthMode::Credentials),
        _ => Err(ArgumentError::type_error(
            "options",
            "",
            "need exactly one way to authenticate: accessToken, getAccessToken, clientId with clientSecret, or oauth",
        )),
    }
}

/// Checks that a token can travel to `base`: over https, or plain http only
/// to this machine or when the caller said `allowInsecureHttp`.
pub fn check_transport_security(base: &ApiBase, allow_insecure_http: bool) -> Result<(), ArgumentError> {
    if base.is_https() || base.is_loopback() || allow_insecure_http {
        return Ok(());
    }
    Err(ArgumentError::type_error(
        "",
        "baseUrl",
        "must use https: a token over plain http can be read on the network (http is allowed to this machine, or with allowInsecureHttp: true)",
    ))
}

/// Whether a token or credential value can go into a header or form:
/// non-empty, without control characters (which would break or inject headers).
pub fn is_usable_secret(value: &str) -> bool {
    // Control characters: C0 and DEL (one byte each), and C1 (U+0080-U+009F, `C2 80`-`C2 9F` in UTF-8).
    let bytes = value.as_bytes();
    !bytes.is_empty()
        && !bytes.iter().any(|&b| b < 0x20 || b == 0x7f)
        && !bytes.windows(2).any(|pair| pair[0] == 0xc2 && (0x80..=0x9f).contains(&pair[1]))
}

/// Checks a token or credential the caller gave (`options.<key>`); the
/// message never shows it.
pub fn check_secret(key: &'static str, value: &str) -> Result<(), ArgumentError> {
    if is_usable_secret(value) {
        return Ok(());
    }
    Err(ArgumentError::type_error("options", key, "must be a non-empty string without control characters"))
}

/// When a token that lives `expires_in_s` seconds from `now_ms` should be
/// renewed: a tenth of its life early, at most a minute, so that a call never
/// starts with a token about to expire.
pub fn renew_at_ms(now_ms: f64, expires_in_s: Option<f64>) -> f64 {
    match expires_in_s.filter(|s| s.is_finite() && *s > 0.0) {
        Some(seconds) => {
            let life_ms = seconds * 1000.0;
            now_ms + life_ms - (life_ms / 10.0).min(60_000.0)
        }
        // No lifetime given: Looker's tokens last an hour.
        None => now_ms + 3_600_000.0 - 60_000.0,
    }
}

/// The token of a login's answer and its lifetime in seconds, or the error:
/// a failed login says it was the login (and never shows a credential).
pub fn token_from<V: Value>(answer: Answer<V>) -> Result<(String, Option<f64>), Error<V>> {
    let status = answer.head.status;
    let checked = answer.checked(&schema::ACCESS_TOKEN, "AccessToken").map_err(|error| {
        let error = match error {
            Error::Api(mut api) => {
                // Looker answers bad credentials with 404.
                if matches!(status, 401 | 403 | 404) {
                    api.hint = Some("Check clientId and clientSecret");
                }
                Error::Api(api)
            }
            other => other,
        };
        error.in_context(&|| LOGIN_CONTEXT.into())
    });
    let body = checked?;
    match schema::string_of(&body, "access_token").filter(|token| is_usable_secret(token)) {
        Some(token) => Ok((token, body.field("expires_in").and_then(|v| v.number()))),
        None => Err(Error::Response {
            context: LOGIN_CONTEXT.into(),
            problem: "the answer has no usable access_token".into(),
        }),
    }
}

/// What a login's failure says it was about.
pub const LOGIN_CONTEXT: &str = "log in to Looker";

/// The client's token and its login, shared by all its calls.
#[derive(Clone, Debug)]
pub struct Session<V> {
    /// The token and when to renew it (ms since the epoch; infinite for a fixed token).
    token: Option<(String, f64)>,
    /// A call is logging in; others wait for it.
    logging_in: bool,
    /// Counts finished logins, so that a waiting call can tell whether the
    /// login it waited for failed.
    generation: u32,
    /// The last login Looker refused, and its generation. (A login that got
    /// no answer is not kept: a waiting call tries again itself.)
    failure: Option<(u32, Refusal<V>)>,
    /// A login finished since [`Session::take_settled`] was last asked.
    settled: bool,
    /// OAuth's refresh token, which renews the token instead of a login.
    refresh: Option<String>,
}

impl<V> Default for Session<V> {
    fn default() -> Self {
        Self { token: None, logging_in: false, generation: 0, failure: None, settled: false, refresh: None }
    }
}

/// A refused login, as a waiting call fails with it: the two kinds of
/// [`Error`] a login keeps (copying these alone is far less code than a
/// whole `Error`'s clone).
#[derive(Clone, Debug)]
enum Refusal<V> {
    /// Looker answered the login with an error status.
    Api(ApiError<V>),
    /// An OAuth sign-in or refresh cannot go on: its code and message.
    OAuth(String, String),
}

/// What a call that needs a token should do.
#[derive(Clone, Debug, PartialEq)]
pub enum TokenState<V> {
    /// Use this token.
    Fresh(String),
    /// Another call is logging in: wait for it, then ask again (with this generation).
    Wait(u32),
    /// Log in (the session now counts this call's login as in flight).
    LogIn,
    /// The login waited for failed: fail the same way.
    Failed(Error<V>),
}

impl<V: Clone> Session<V> {
    /// A session holding a fixed token.
    pub fn with_token(token: String) -> Self {
        Self { token: Some((token, f64::INFINITY)), ..Self::default() }
    }

    /// The token in hand if it is still fresh at `now_ms`.
    pub fn fresh(&self, now_ms: f64) -> Option<&str> {
        self.token.as_ref().filter(|(_, renew_at)| now_ms < *renew_at).map(|(token, _)| token.as_str())
    }

    /// The token in hand, fresh or not.
    pub fn current(&self) -> Option<&str> {
        self.token.as_ref().map(|(token, _)| token.as_str())
    }

    /// For a call that needs a login token: use, wait, or log in. `waited`
    /// is the generation a call waited on, if it did.
    pub fn token_for_login(&mut self, now_ms: f64, waited: Option<u32>) -> TokenState<V> {
        if let Some(token) = self.fresh(now_ms) {
            return TokenState::Fresh(token.to_owned());
        }
        if let (Some(waited), Some((failed, error))) = (waited, &self.failure) {
            if *failed > waited {
                return TokenState::Failed(match error {
                    Refusal::Api(error) => Error::Api(error.clone()),
                    Refusal::OAuth(code, message) => Error::OAuth { code: code.clone(), message: message.clone() },
                });
            }
        }
        if self.logging_in {
            return TokenState::Wait(self.generation);
        }
        self.logging_in = true;
        TokenState::LogIn
    }

    /// A login gave `token`, to renew at `renew_at_ms`.
    pub fn logged_in(&mut self, token: String, renew_at_ms: f64) {
        self.token = Some((token, renew_at_ms));
        self.finish_login();
    }

    /// A login failed with `error`. A refused refresh (`sign_in_required`)
    /// ends the sign-in: the refresh token is forgotten.
    pub fn login_failed(&mut self, error: &Error<V>) {
        self.finish_login();
        match error {
            Error::Api(error) => self.failure = Some((self.generation, Refusal::Api(error.clone()))),
            Error::OAuth { code, message } => {
                self.refresh = None;
                self.failure = Some((self.generation, Refusal::OAuth(code.clone(), message.clone())));
            }
            _ => {}
        }
    }

    /// OAuth's refresh token, if the session has one.
    pub fn refresh_token(&self) -> Option<&str> {
        self.refresh.as_deref()
    }

    /// A sign-in or refresh gave a new refresh token (Looker rotates them).
    pub fn set_refresh_token(&mut self, refresh: Option<String>) {
        if refresh.is_some() {
            self.refresh = refresh;
        }
    }

    /// The call making the login gave up on it (aborted): the next call
    /// that needs a token logs in itself.
    pub fn login_abandoned(&mut self) {
        self.finish_login();
    }

    fn finish_login(&mut self) {
        self.logging_in = false;
        self.generation = self.generation.wrapping_add(1);
        self.settled = true;
    }

    /// After a 401 on a request sent with `used`: drops the token unless
    /// another call has renewed it since.
    pub fn drop_token(&mut self, used: Option<&str>) {
        if self.current() == used {
            self.token = None;
        }
    }

    /// Forgets the token, and a refresh token (logout; `login()` to force a new one).
    pub fn forget(&mut self) {
        self.token = None;
        self.refresh = None;
    }

    /// Whether a login finished since the last time this was asked (the I/O
    /// layer then wakes the calls waiting for it).
    pub fn take_settled(&mut self) -> bool {
        std::mem::take(&mut self.settled)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::response::{Body, Head};
    use serde_json::{json, Value as Json};

    fn options(
        access_token: bool,
        get_access_token: bool,
        client_id: bool,
        client_secret: bool,
        fetch: bool,
    ) -> AuthOptions {
        AuthOptions { access_token, get_access_token, client_id, client_secret, fetch, oauth: false }
    }

    #[test]
    fn exactly_one_way_to_authenticate() {
        assert_eq!(auth_mode(options(true, false, false, false, false)), Ok(AuthMode::Token));
        assert_eq!(auth_mode(options(false, true, false, false, false)), Ok(AuthMode::Callback));
        assert_eq!(auth_mode(options(false, false, true, true, false)), Ok(AuthMode::Credentials));
        assert_eq!(auth_mode(options(false, false, false, false, true)), Ok(AuthMode::Transport));
        assert_eq!(auth_mode(options(true, false, false, false, true)), Ok(AuthMode::Token));
        for wrong in [
            options(false, false, false, false, false),
            options(true, true, false, false, false),
            options(true, false, true, true, false),
            options(false, true, true, true, true),
            options(false, false, true, false, false),
            options(false, false, false, true, true),
        ] {
            assert!(matches!(auth_mode(wrong), Err(ArgumentError { range: false, .. })), "{wrong:?}");
        }
        assert!(auth_mode(options(false, false, true, false, false)).unwrap_err().message().contains("clientSecret"));
        assert!(auth_mode(options(false, false, false, false, false))
            .unwrap_err()
            .message()
            .starts_with("options need exactly one way"));
    }

    #[test]
    fn tokens_travel_over_https_or_to_this_machine() {
        let parse = |url| ApiBase::parse(url).unwrap();
        assert!(check_transport_security(&parse("https://acme.looker.com"), false).is_ok());
        assert!(check_transport_security(&parse("http://127.0.0.1:8100"), false).is_ok());
        assert!(check_transport_security(&parse("http://[::1]:8100"), false).is_ok());
        assert!(check_transport_security(&parse("http://localhost"), false).is_ok());
        assert!(check_transport_security(&parse("http://acme.looker.com"), false)
            .unwrap_err()
            .message()
            .contains("https"));
        assert!(check_transport_security(&parse("http://acme.looker.com"), true).is_ok());
    }

    #[test]
    fn secrets_must_be_header_safe_and_never_shown() {
        assert!(check_secret("accessToken", "abc").is_ok());
        assert!(check_secret("accessToken", "é€").is_ok());
        for bad in ["", "a\nb", "a\rb", "\u{0}", "a\u{7f}", "a\u{85}b"] {
            let error = check_secret("accessToken", bad).unwrap_err();
            assert!(error.message().starts_with("options.accessToken"));
            assert!(bad.is_empty() || !error.message().contains(bad));
        }
    }

    #[test]
    fn renewal_comes_early_by_a_tenth_at_most_a_minute() {
        assert_eq!(renew_at_ms(0.0, Some(3600.0)), 3_540_000.0);
        assert_eq!(renew_at_ms(1000.0, Some(1.0)), 1900.0);
        assert_eq!(renew_at_ms(0.0, Some(100.0)), 90_000.0);
        assert_eq!(renew_at_ms(0.0, None), 3_540_000.0);
        assert_eq!(renew_at_ms(0.0, Some(-5.0)), 3_540_000.0);
        assert_eq!(renew_at_ms(0.0, Some(f64::NAN)), 3_540_000.0);
    }

    fn answer(status: u16, body: Json) -> Answer<Json> {
        Answer { head: Head { status, ..Head::default() }, body: Body::Json(body) }
    }

    #[test]
    fn login_answers() {
        let ok = token_from(answer(200, json!({"access_token": "t0k", "token_type": "Bearer", "expires_in": 3600})));
        assert_eq!(ok, Ok(("t0k".into(), Some(3600.0))));
        let Err(Error::Api(error)) = token_from(answer(404, json!({"message": "Not found", "documentation_url": "d"})))
        else {
            panic!()
        };
        assert_eq!(error.status, 404);
        assert_eq!(error.documentation_url, Some(json!("d")));
        assert_eq!(Error::Api(error).message(), "log in to Looker: 404 Not found. Check clientId and clientSecret");
        let error = token_from(answer(503, json!({"message": "down"}))).unwrap_err();
        assert_eq!(error.message(), "log in to Looker: 503 down");
        // It says it was the login, whatever call needed the token.
        assert_eq!(error.in_context(&|| "get render task 1".into()).message(), "log in to Looker: 503 down");
        let error = token_from(answer(200, json!({"access_token": "a\nb"}))).unwrap_err();
        assert_eq!(error.message(), "log in to Looker: the answer has no usable access_token");
        assert!(matches!(token_from(answer(200, json!({"token_type": "Bearer"}))), Err(Error::Response { .. })));
    }

    #[test]
    fn one_login_for_many_calls() {
        let mut session = Session::<Json>::default();
        assert_eq!(session.token_for_login(0.0, None), TokenState::LogIn);
        assert_eq!(session.token_for_login(0.0, None), TokenState::Wait(0));
        session.logged_in("t".into(), 100.0);
        assert!(session.take_settled() && !session.take_settled());
        assert_eq!(session.token_for_login(50.0, Some(0)), TokenState::Fresh("t".into()));
        // Due for renewal: the next call logs in again.
        assert_eq!(session.token_for_login(100.0, None), TokenState::LogIn);
        assert_eq!(session.token_for_login(100.0, None), TokenState::Wait(1));
        let refused = crate::error::ApiError::new(404, Some("Not found".into()), None);
        session.login_failed(&Error::Api(refused.clone()));
        assert_eq!(session.token_for_login(100.0, Some(1)), TokenState::Failed(Error::Api(refused)));
        // A call that did not wait for the failed login tries again.
        assert_eq!(session.token_for_login(100.0, None), TokenState::LogIn);
        assert_eq!(session.token_for_login(100.0, None), TokenState::Wait(2));
        // A login that got no answer is not handed to the calls waiting on it: they try again.
        session.login_failed(&Error::Network {
            context: LOGIN_CONTEXT.into(),
            path: "/login".into(),
            page_origin: None,
        });
        assert_eq!(session.token_for_login(100.0, Some(2)), TokenState::LogIn);
    }

    #[test]
    fn a_401_drops_only_the_token_it_was_sent_with() {
        let mut session = Session::<Json>::default();
        session.logged_in("new".into(), f64::INFINITY);
        session.drop_token(Some("old"));
        assert_eq!(session.current(), Some("new"));
        session.drop_token(Some("new"));
        assert_eq!(session.current(), None);
        let mut fixed = Session::<Json>::with_token("t".into());
        assert_eq!(fixed.fresh(f64::MAX), Some("t"));
        fixed.forget();
        assert_eq!(fixed.current(), None);
    }
}
