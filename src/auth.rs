//! Authentication policy: which way a client signs in, when a token is due
//! for renewal, and what a failed login says. Pure functions; the wasm
//! layer does the requests and keeps the token.

use crate::request::{ApiBase, ArgumentError};
use crate::response::ApiError;

/// How a client authenticates, as the caller configured it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthMode {
    /// No `Authorization` header: an injected transport (a Looker extension
    /// host, a proxy) authenticates the requests itself.
    Transport,
    /// A fixed access token.
    Token,
    /// A callback that returns the current token (hosts that own the session).
    Callback,
    /// API credentials: the client logs in, caches and renews its token.
    Credentials,
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
}

/// Picks the one way to authenticate, or says why the options are wrong.
pub fn auth_mode(options: AuthOptions) -> Result<AuthMode, ArgumentError> {
    let credentials = options.client_id || options.client_secret;
    if options.client_id != options.client_secret {
        let missing = if options.client_id { "clientSecret" } else { "clientId" };
        return Err(ArgumentError::Type(format!(
            "options.{missing} is required with API credentials: give clientId and clientSecret together"
        )));
    }
    let given = [options.access_token, options.get_access_token, credentials].iter().filter(|given| **given).count();
    match given {
        0 if options.fetch => Ok(AuthMode::Transport),
        0 => Err(ArgumentError::Type(
            "options need one way to authenticate: accessToken, getAccessToken, or clientId with clientSecret".into(),
        )),
        1 if options.access_token => Ok(AuthMode::Token),
        1 if options.get_access_token => Ok(AuthMode::Callback),
        1 => Ok(AuthMode::Credentials),
        _ => Err(ArgumentError::Type(
            "options must have only one way to authenticate: accessToken, getAccessToken, or clientId with clientSecret".into(),
        )),
    }
}

/// Checks that a token can travel to `base`: over https, or plain http only
/// to this machine or when the caller said `allowInsecureHttp`.
pub fn check_transport_security(base: &ApiBase, allow_insecure_http: bool) -> Result<(), ArgumentError> {
    if base.is_https() || base.is_loopback() || allow_insecure_http {
        return Ok(());
    }
    Err(ArgumentError::Type(
        "baseUrl must use https: a token over plain http can be read on the network (http is allowed to localhost, 127.0.0.1 and ::1, or with allowInsecureHttp: true)".into(),
    ))
}

/// Checks a token or credential value: non-empty, and no control characters
/// (which would break or inject headers).
pub fn check_secret(name: &str, value: &str) -> Result<(), ArgumentError> {
    if value.is_empty() || value.chars().any(char::is_control) {
        return Err(ArgumentError::Type(format!("{name} must be a non-empty string without control characters")));
    }
    Ok(())
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

/// The error of a failed login: Looker's status, and a message that says it
/// was the login, without any credential.
pub fn login_error(error: ApiError) -> ApiError {
    let hint = match error.status {
        // Looker answers bad credentials with 404.
        401 | 403 | 404 => " (check clientId and clientSecret)",
        _ => "",
    };
    ApiError { message: format!("Looker login failed: {}{hint}", error.message), ..error }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(
        access_token: bool,
        get_access_token: bool,
        client_id: bool,
        client_secret: bool,
        fetch: bool,
    ) -> AuthOptions {
        AuthOptions { access_token, get_access_token, client_id, client_secret, fetch }
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
            assert!(matches!(auth_mode(wrong), Err(ArgumentError::Type(_))), "{wrong:?}");
        }
        assert!(auth_mode(options(false, false, true, false, false)).unwrap_err().to_string().contains("clientSecret"));
    }

    #[test]
    fn tokens_travel_over_https_or_to_this_machine() {
        let parse = |url| ApiBase::parse(url).unwrap();
        assert!(check_transport_security(&parse("https://acme.looker.com"), false).is_ok());
        assert!(check_transport_security(&parse("http://127.0.0.1:8100"), false).is_ok());
        assert!(check_transport_security(&parse("http://[::1]:8100"), false).is_ok());
        assert!(check_transport_security(&parse("http://localhost"), false).is_ok());
        assert!(
            matches!(check_transport_security(&parse("http://acme.looker.com"), false), Err(ArgumentError::Type(m)) if m.contains("https"))
        );
        assert!(check_transport_security(&parse("http://acme.looker.com"), true).is_ok());
    }

    #[test]
    fn secrets_must_be_header_safe() {
        assert!(check_secret("accessToken", "abc").is_ok());
        for bad in ["", "a\nb", "a\rb", "\u{0}"] {
            let error = check_secret("accessToken", bad).unwrap_err().to_string();
            assert!(error.starts_with("accessToken") && !error.contains(bad) || bad.is_empty(), "{error}");
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

    #[test]
    fn login_errors_say_it_was_the_login() {
        let error = login_error(ApiError {
            status: 404,
            message: "Not found".into(),
            documentation_url: Some("d".into()),
            errors: None,
        });
        assert_eq!(error.status, 404);
        assert_eq!(error.message, "Looker login failed: Not found (check clientId and clientSecret)");
        assert_eq!(error.documentation_url.as_deref(), Some("d"));
        let error =
            login_error(ApiError { status: 503, message: "down".into(), documentation_url: None, errors: None });
        assert_eq!(error.message, "Looker login failed: down");
    }
}
