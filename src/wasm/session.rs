//! The client's session: where its token comes from, one login for any
//! number of concurrent calls, renewal before expiry, and recovery from a
//! 401. The rules are in the core's `auth` module.

use super::http::{Http, Scope};
use super::{decode, js, CallError};
use crate::auth;
use crate::models::AccessToken;
use crate::request::{self, ApiBase};
use crate::response::Failure;
use js_sys::{Function, Promise};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

/// Where tokens come from.
pub enum Auth {
    /// The transport authenticates (no `Authorization` header).
    Transport,
    /// A fixed token, until `logout()` forgets it.
    Token(RefCell<Option<String>>),
    /// The caller's `getAccessToken`, asked before every request.
    Callback(Function),
    /// API credentials.
    Credentials(Rc<Login>),
}

/// A login session from API credentials. The secret stays in wasm memory:
/// it is only ever written into a login request's form body.
pub struct Login {
    base: ApiBase,
    http: Http,
    client_id: String,
    client_secret: String,
    /// The token and when to renew it (ms since the epoch).
    token: RefCell<Option<(String, f64)>>,
    /// The login in flight, which every caller awaits.
    pending: RefCell<Option<Promise>>,
}

impl Login {
    pub fn new(base: ApiBase, http: Http, client_id: String, client_secret: String) -> Rc<Self> {
        Rc::new(Self { base, http, client_id, client_secret, token: RefCell::new(None), pending: RefCell::new(None) })
    }

    /// A fresh token: the cached one, the one being fetched, or a new login.
    async fn token(self: &Rc<Self>) -> Result<String, CallError> {
        if let Some((token, renew_at)) = self.token.borrow().as_ref() {
            if js::now_ms() < *renew_at {
                return Ok(token.clone());
            }
        }
        let pending = self.pending.borrow().clone();
        let login = match pending {
            Some(login) => login,
            None => {
                let this = Rc::clone(self);
                let login = future_to_promise(async move {
                    let outcome = this.login().await;
                    this.pending.borrow_mut().take();
                    outcome.map(JsValue::from).map_err(JsValue::from)
                });
                *self.pending.borrow_mut() = Some(login.clone());
                login
            }
        };
        let token = JsFuture::from(login).await?;
        Ok(token.as_string().unwrap_or_default())
    }

    /// `POST /login` with the credentials in a form body.
    async fn login(&self) -> Result<String, CallError> {
        let request = request::login(&self.base, &self.client_id, &self.client_secret);
        let scope = Scope::new(None, self.http.timeout_ms);
        let answer = self.http.send(&request, None, &scope, false).await?;
        let token: AccessToken = decode(&answer, "AccessToken").map_err(|error| match error {
            CallError::Looker(Failure::Api(api), retry_after) => {
                CallError::Looker(Failure::Api(auth::login_error(api)), retry_after)
            }
            other => other,
        })?;
        if auth::check_secret("access_token", &token.access_token).is_err() {
            return Err(CallError::Looker(
                Failure::Response("The login response has no usable access_token".into()),
                None,
            ));
        }
        let renew_at = auth::renew_at_ms(js::now_ms(), token.expires_in);
        *self.token.borrow_mut() = Some((token.access_token.clone(), renew_at));
        Ok(token.access_token)
    }
}

impl Auth {
    /// The token for the next request, logging in when needed.
    pub async fn token(&self) -> Result<Option<String>, CallError> {
        match self {
            Self::Transport => Ok(None),
            Self::Token(token) => Ok(token.borrow().clone()),
            Self::Callback(get) => {
                let token = JsFuture::from(Promise::resolve(&get.call0(&JsValue::UNDEFINED)?)).await?;
                match token.as_string() {
                    Some(token) if auth::check_secret("getAccessToken()", &token).is_ok() => Ok(Some(token)),
                    _ => Err(CallError::Js(
                        js_sys::TypeError::new(
                            "getAccessToken must resolve to a non-empty string without control characters",
                        )
                        .into(),
                    )),
                }
            }
            Self::Credentials(login) => login.token().await.map(Some),
        }
    }

    /// After a 401 on a request sent with `used`: whether a new token may
    /// help. Drops the cached token unless another call already renewed it.
    pub fn renew_after_401(&self, used: Option<&str>) -> bool {
        match self {
            Self::Transport | Self::Token(_) => false,
            Self::Callback(_) => true,
            Self::Credentials(login) => {
                let mut token = login.token.borrow_mut();
                if token.as_ref().map(|(cached, _)| Some(cached.as_str())) == Some(used) {
                    token.take();
                }
                true
            }
        }
    }

    /// The token in hand, if any, without logging in.
    pub fn current(&self) -> Option<String> {
        match self {
            Self::Token(token) => token.borrow().clone(),
            Self::Credentials(login) => login.token.borrow().as_ref().map(|(token, _)| token.clone()),
            Self::Transport | Self::Callback(_) => None,
        }
    }

    /// Forgets the token in hand; credentials log in again on the next call.
    pub fn forget(&self) {
        match self {
            Self::Token(token) => drop(token.borrow_mut().take()),
            Self::Credentials(login) => drop(login.token.borrow_mut().take()),
            Self::Transport | Self::Callback(_) => {}
        }
    }

    /// Logs in now (credentials only).
    pub async fn login(&self) -> Result<(), CallError> {
        if let Self::Credentials(login) = self {
            login.token.borrow_mut().take();
            login.token().await?;
        }
        Ok(())
    }
}
