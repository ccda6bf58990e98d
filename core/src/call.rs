//! One call of the client as a state machine: the core decides what to send,
//! how long to sleep, when a token is needed, what to report and how the call
//! ends, from the events the I/O layer feeds it (answers, timers, tokens).
//! The wasm crate runs the loop with `fetch` and timers; the tests below run
//! it with a scripted server and a virtual clock.
//!
//! ```text
//!   let mut event = Event::Start;
//!   loop {
//!       match call.step(&mut client, event, now()) {
//!           Step::Send { .. }  => event = answer, Event::NoAnswer or Event::TimedOut,
//!           Step::Sleep(ms)    => event = Event::Woke after ms,
//!           Step::AskToken     => event = Event::Token(the caller's getAccessToken()),
//!           Step::AwaitLogin   => event = Event::Woke once a login settles,
//!           Step::Progress(t)  => event = Event::Woke after onProgress(t),
//!           Step::Done(result) => return result,
//!       }
//!   }
//! ```

use crate::auth::{self, Auth, Session, TokenState, LOGIN_CONTEXT};
use crate::error::{ArgumentError, Error};
use crate::oauth;
use crate::params::RenderKind;
use crate::poll::{Learned, Next, Outcome, PollSchedule, Wait, NOT_READY_DEFAULT_MS};
use crate::request::{self, CreateRenderTask, Fields, Request};
use crate::response::{Answer, Body};
use crate::retry::{Attempt, Decision, Idempotency, RetryPolicy};
use crate::schema::{self, RENDER_TASK};
use crate::text;
use crate::throttle::{Gate, Health, Throttle};
use crate::url::{path_of, ApiBase};
use crate::value::Value;

/// Default per-request deadline: long enough for a slow Looker, short enough
/// that a stalled connection does not hang a script.
pub const DEFAULT_TIMEOUT_MS: f64 = 120_000.0;

/// Default cap on a downloaded result: far above any real render, far below
/// what would exhaust a browser tab.
pub const DEFAULT_MAX_RESULT_BYTES: f64 = 256.0 * 1024.0 * 1024.0;

/// How a client behaves: checked options, fixed for its life.
#[derive(Clone, Debug)]
pub struct Config {
    /// The API root.
    pub base: ApiBase,
    /// How it authenticates.
    pub auth: Auth,
    /// The deadline of each request, retries and body included, in ms.
    pub timeout_ms: f64,
    /// When failed requests are repeated.
    pub retry: RetryPolicy,
    /// The largest render result accepted, in bytes.
    pub max_result_bytes: f64,
    /// When a wait polls.
    pub poll: PollSchedule,
}

/// What the calls of one client share: its configuration, its session, and
/// a random source for jitter.
#[derive(Clone, Debug)]
pub struct Client<V> {
    /// The configuration.
    pub config: Config,
    /// The token and login state.
    pub session: Session<V>,
    /// The shared backoff and retry budget of its calls.
    pub throttle: Throttle,
    /// How long renders of each target took.
    pub learned: Learned,
    random: u64,
}

impl<V: Clone> Client<V> {
    /// A client; `seed` seeds the jitter (any value; the I/O layer gives a random one).
    pub fn new(config: Config, session: Session<V>, seed: u64) -> Self {
        Self { config, session, throttle: Throttle::default(), learned: Learned::default(), random: seed | 1 }
    }

    /// A number in `[0, 1)` (xorshift64*), for jitter.
    pub fn random(&mut self) -> f64 {
        let mut x = self.random;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.random = x;
        (x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// What a call does.
#[derive(Clone, Debug, PartialEq)]
pub enum Op {
    /// `renderTask`: get a render task.
    Get {
        /// The task's id.
        id: String,
        /// Which properties.
        fields: Fields,
    },
    /// `create*RenderTask`: create one.
    Create(Box<CreateRenderTask>),
    /// `renderTaskResults`: download a finished task's result.
    Results {
        /// The task's id.
        id: String,
    },
    /// `waitForRenderTask`: poll until the task is done.
    Wait {
        /// The task's id.
        id: String,
        /// The wait's deadline, in ms.
        timeout_ms: f64,
    },
    /// `render`: create, wait, download.
    Render {
        /// What to render.
        task: Box<CreateRenderTask>,
        /// The whole job's deadline, in ms.
        timeout_ms: f64,
    },
    /// `login`: log in now (API credentials only).
    Login,
    /// `logout`: Looker's "Logout" for the token in hand, then forget it.
    Logout,
    /// `completeOAuthLogin`: redeem the redirect's code for tokens.
    SignIn {
        /// The authorization code.
        code: String,
        /// The PKCE verifier whose challenge went with the authorization.
        verifier: String,
    },
}

/// What the I/O layer should do next.
#[derive(Clone, Debug, PartialEq)]
pub enum Step<V> {
    /// Send `request` (with the `Authorization` header given) and answer
    /// with [`Event::Answer`] or [`Event::NoAnswer`].
    Send {
        /// The request.
        request: Request,
        /// Its `Authorization` header (`token …`, or `Bearer …` for OAuth).
        authorization: Option<String>,
        /// How long this attempt may take, in ms (the rest of the request's
        /// deadline); past it, answer [`Event::TimedOut`].
        remaining_ms: f64,
    },
    /// Sleep this many ms, then [`Event::Woke`].
    Sleep(f64),
    /// Call the caller's `getAccessToken`, then [`Event::Token`].
    AskToken,
    /// Another call of this client is logging in: [`Event::Woke`] once a
    /// login settles ([`Session::take_settled`]).
    AwaitLogin,
    /// Report this task to the caller's `onProgress`, then [`Event::Woke`].
    Progress(V),
    /// The call is over.
    Done(Result<Output<V>, Error<V>>),
}

/// What happened since the last step.
#[derive(Clone, Debug, PartialEq)]
pub enum Event<V> {
    /// The call begins.
    Start,
    /// The answer to the request sent.
    Answer(Answer<V>),
    /// The request got no answer (refused, reset, DNS, CORS); from a web
    /// page, with the page's origin when the request went to another (where
    /// CORS is the likely cause).
    NoAnswer(Option<String>),
    /// The request's deadline (`remaining_ms` of its [`Step::Send`]) passed first.
    TimedOut,
    /// What `getAccessToken` gave: `None` when it was not a string.
    Token(Option<String>),
    /// A sleep, a wait for a login or a progress report is over.
    Woke,
    /// The deadline of the wait or render fired.
    Expired,
}

/// What a call gives back.
#[derive(Clone, Debug, PartialEq)]
pub enum Output<V> {
    /// Nothing (`login`, `logout`).
    Nothing,
    /// A render task, as the server sent it.
    Task(V),
    /// A finished task's result.
    Results {
        /// The bytes, exactly as sent.
        bytes: V,
        /// Their content type.
        content_type: String,
    },
    /// The whole render.
    Rendered {
        /// The finished task.
        task: V,
        /// The result's bytes.
        bytes: V,
        /// Their content type.
        content_type: String,
    },
}

/// Which request of a call is in flight, or what a sleep is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Purpose {
    /// The one request of a `Get` or a `Create`.
    Task,
    /// The create of a render.
    Create,
    /// A poll.
    Poll,
    /// A results download.
    Results,
    /// Login or logout.
    Session,
    /// Sleeping until the deadline, which ends the call.
    Deadline,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Start,
    Exchanging(Purpose),
    Reported(Outcome),
    Sleeping(Purpose),
    Done,
}

/// One call.
#[derive(Clone, Debug)]
pub struct Call<V> {
    op: Op,
    state: State,
    exchange: Exchange,
    wait: Option<Wait>,
    /// The last task seen.
    task: Option<V>,
    /// The id of the task waited for.
    task_id: String,
}

impl<V: Value> Call<V> {
    /// A call of `op`, not started.
    pub fn new(op: Op) -> Self {
        Self { op, state: State::Start, exchange: Exchange::idle(), wait: None, task: None, task_id: String::new() }
    }

    /// The next step, given what happened since the last one, at `now_ms`
    /// (ms since the Unix epoch).
    pub fn step(&mut self, client: &mut Client<V>, event: Event<V>, now_ms: f64) -> Step<V> {
        if matches!(event, Event::Expired) {
            return self.finish(client, Err(self.timeout_error()));
        }
        match self.state {
            State::Start => self.begin(client, now_ms),
            State::Exchanging(purpose) => match self.exchange.step(client, event, now_ms) {
                Exchanged::Io(step) => step,
                Exchanged::Done(Ok(answer)) => self.answered(client, purpose, answer, now_ms),
                Exchanged::Done(Err(error)) => {
                    if matches!(self.op, Op::Logout) {
                        // Refused or not, the token is done with.
                        client.session.forget();
                    }
                    self.finish(client, Err(error))
                }
            },
            State::Reported(outcome) => self.after_report(client, outcome, now_ms),
            State::Sleeping(Purpose::Poll) => self.poll(client, now_ms),
            State::Sleeping(Purpose::Results) => self.download(client, now_ms),
            State::Sleeping(Purpose::Create) => self.create(client, now_ms),
            State::Sleeping(_) => self.finish(client, Err(self.timeout_error())),
            State::Done => Step::Done(Err(internal_error())),
        }
    }

    /// The call is abandoned (aborted, or its deadline fired mid-request):
    /// a login it was making is released so that other calls can log in.
    pub fn cancel(&mut self, client: &mut Client<V>) {
        self.exchange.cancel(client);
        self.state = State::Done;
    }

    fn begin(&mut self, client: &mut Client<V>, now_ms: f64) -> Step<V> {
        let config = &client.config;
        match &self.op {
            Op::Get { id, fields } => {
                let request = request::render_task(&config.base, id, fields);
                self.request(client, Purpose::Task, request, now_ms)
            }
            Op::Create(task) => {
                let request = request::create_render_task(&config.base, task);
                self.request(client, Purpose::Task, request, now_ms)
            }
            Op::Results { id } => {
                let request = request::render_task_results(&config.base, id, config.max_result_bytes);
                self.request(client, Purpose::Results, request, now_ms)
            }
            Op::Wait { id, timeout_ms } => {
                self.wait = Some(Wait::new(config.poll, now_ms, *timeout_ms));
                self.task_id = id.clone();
                self.poll(client, now_ms)
            }
            Op::Render { timeout_ms, .. } => {
                self.wait = Some(Wait::new(config.poll, now_ms, *timeout_ms));
                self.create(client, now_ms)
            }
            Op::Login => match config.auth {
                Auth::Credentials { .. } => {
                    client.session.forget();
                    self.exchange(client, Purpose::Session, Exchange::new(None, now_ms), now_ms)
                }
                _ => self.finish(client, Ok(Output::Nothing)),
            },
            Op::Logout => match client.session.current() {
                // The token in hand, fresh or not: it is the one to revoke.
                Some(token) => {
                    let request = match config.auth {
                        Auth::OAuth(_) => oauth::logout(&config.base),
                        _ => request::logout(&config.base),
                    };
                    let exchange = Exchange::with_token(request, token.to_owned(), now_ms);
                    self.exchange(client, Purpose::Session, exchange, now_ms)
                }
                None => {
                    client.session.forget();
                    self.finish(client, Ok(Output::Nothing))
                }
            },
            Op::SignIn { code, verifier } => {
                client.session.forget();
                let exchange =
                    Exchange { sign_in: Some((code.clone(), verifier.clone())), ..Exchange::new(None, now_ms) };
                self.exchange(client, Purpose::Session, exchange, now_ms)
            }
        }
    }

    /// Starts the exchange of one request (most stages send one).
    #[inline(never)]
    fn request(&mut self, client: &mut Client<V>, purpose: Purpose, request: Request, now_ms: f64) -> Step<V> {
        self.exchange(client, purpose, Exchange::new(Some(request), now_ms), now_ms)
    }

    fn exchange(&mut self, client: &mut Client<V>, purpose: Purpose, exchange: Exchange, now_ms: f64) -> Step<V> {
        self.exchange = Exchange { in_job: self.wait.is_some(), ..exchange };
        self.state = State::Exchanging(purpose);
        self.step(client, Event::Start, now_ms)
    }

    fn poll(&mut self, client: &mut Client<V>, now_ms: f64) -> Step<V> {
        let request = request::render_task(&client.config.base, &self.task_id, &Fields::all());
        if let Some(wait) = &mut self.wait {
            wait.polled();
        }
        self.request(client, Purpose::Poll, request, now_ms)
    }

    /// The create of a render.
    fn create(&mut self, client: &mut Client<V>, now_ms: f64) -> Step<V> {
        let Op::Render { task, .. } = &self.op else {
            return self.finish(client, Err(internal_error()));
        };
        let request = request::create_render_task(&client.config.base, task);
        self.request(client, Purpose::Create, request, now_ms)
    }

    /// A stage of a render or wait met a busy server (429, 503) after its
    /// request's own retries: it tries again after the client's pause (the
    /// next request waits it out) or what the server asked, within the
    /// deadline; past it, `error` is the call's.
    fn later(
        &mut self,
        client: &mut Client<V>,
        purpose: Purpose,
        error: Error<V>,
        retry_after_ms: Option<f64>,
        now_ms: f64,
    ) -> Step<V> {
        let remaining = self.wait.as_ref().map_or(0.0, |wait| wait.remaining_ms(now_ms));
        let delay = retry_after_ms.unwrap_or(0.0);
        if delay >= remaining {
            return self.finish(client, Err(error));
        }
        self.state = State::Sleeping(purpose);
        Step::Sleep(delay)
    }

    fn download(&mut self, client: &mut Client<V>, now_ms: f64) -> Step<V> {
        let config = &client.config;
        let request = request::render_task_results(&config.base, &self.task_id, config.max_result_bytes);
        self.request(client, Purpose::Results, request, now_ms)
    }

    fn answered(
        &mut self,
        client: &mut Client<V>,
        purpose: Purpose,
        answer: Option<Answer<V>>,
        now_ms: f64,
    ) -> Step<V> {
        let Some(answer) = answer else {
            // Only a login without a request ends without an answer.
            return self.finish(client, Ok(Output::Nothing));
        };
        match purpose {
            Purpose::Task => {
                let task = answer.checked(&RENDER_TASK, "RenderTask").map(Output::Task);
                self.finish(client, task)
            }
            Purpose::Results => match results(answer) {
                Ok((bytes, content_type)) => {
                    let output = match (&self.op, self.task.take()) {
                        (Op::Render { .. }, Some(task)) => Output::Rendered { task, bytes, content_type },
                        _ => Output::Results { bytes, content_type },
                    };
                    self.finish(client, Ok(output))
                }
                // Right after `success`, Looker may still answer 202: wait as it asks, within the deadline.
                Err(Error::NotReady { retry_after_ms, .. }) if matches!(self.op, Op::Render { .. }) => {
                    let remaining = self.wait.as_ref().map_or(0.0, |wait| wait.remaining_ms(now_ms));
                    let delay = retry_after_ms.unwrap_or(NOT_READY_DEFAULT_MS);
                    if delay >= remaining {
                        self.state = State::Sleeping(Purpose::Deadline);
                        return Step::Sleep(remaining.max(0.0) + 1.0);
                    }
                    self.state = State::Sleeping(Purpose::Results);
                    Step::Sleep(delay)
                }
                Err(Error::Api(error)) if is_busy(error.status) && self.wait.is_some() => {
                    self.later(client, Purpose::Results, Error::Api(error), None, now_ms)
                }
                Err(error) => self.finish(client, Err(error)),
            },
            Purpose::Create => {
                if is_busy(answer.head.status) {
                    let retry_after_ms = answer.head.retry_after_ms;
                    return self.later(client, Purpose::Create, Error::Api(answer.api_error()), retry_after_ms, now_ms);
                }
                let task = match answer.checked(&RENDER_TASK, "RenderTask") {
                    Ok(task) => task,
                    Err(error) => return self.finish(client, Err(error)),
                };
                match schema::string_of(&task, "id") {
                    Some(id) => self.task_id = id,
                    None => return self.finish(client, Err(Error::response("the created render task has no id"))),
                }
                if let (Op::Render { task: request, .. }, Some(wait)) = (&self.op, &mut self.wait) {
                    wait.created(now_ms, client.learned.expect(&target_key(request)));
                }
                self.saw(client, task, now_ms)
            }
            Purpose::Poll => {
                if is_busy(answer.head.status) {
                    // Still busy after the request's own retries: poll later, as it asks.
                    if let Some(wait) = &mut self.wait {
                        wait.rate_limited(answer.head.retry_after_ms);
                    }
                    return self.schedule(client, now_ms);
                }
                match answer.checked(&RENDER_TASK, "RenderTask") {
                    Ok(task) => self.saw(client, task, now_ms),
                    Err(error) => self.finish(client, Err(error)),
                }
            }
            Purpose::Session => {
                if matches!(self.op, Op::Logout) {
                    client.session.forget();
                    if !answer.head.is_success() {
                        return self.finish(client, Err(Error::Api(answer.api_error())));
                    }
                }
                self.finish(client, Ok(Output::Nothing))
            }
            Purpose::Deadline => self.finish(client, Err(self.timeout_error())),
        }
    }

    /// A task was seen: report it if its status changed, then act on it.
    fn saw(&mut self, client: &mut Client<V>, task: V, now_ms: f64) -> Step<V> {
        let status = schema::string_of(&task, "status");
        let Some(wait) = &mut self.wait else {
            return self.finish(client, Ok(Output::Task(task)));
        };
        let (changed, outcome) = wait.saw(status.as_deref(), now_ms);
        self.task = Some(task.clone());
        if changed {
            self.state = State::Reported(outcome);
            return Step::Progress(task);
        }
        self.after_report(client, outcome, now_ms)
    }

    fn after_report(&mut self, client: &mut Client<V>, outcome: Outcome, now_ms: f64) -> Step<V> {
        match outcome {
            Outcome::Succeeded => match (&self.op, self.task.clone()) {
                (Op::Render { task, .. }, _) => {
                    if let Some(wait) = &self.wait {
                        client.learned.record(target_key(task), wait.took_ms());
                    }
                    self.download(client, now_ms)
                }
                (_, Some(task)) => self.finish(client, Ok(Output::Task(task))),
                (_, None) => self.finish(client, Err(internal_error())),
            },
            Outcome::Failed => {
                let error = match self.task.clone() {
                    Some(task) => {
                        let detail = schema::string_of(&task, "status_detail");
                        Error::Failed { context: String::new(), task, detail }
                    }
                    None => internal_error(),
                };
                self.finish(client, Err(error))
            }
            Outcome::Pending => self.schedule(client, now_ms),
        }
    }

    /// Sleeps until the next poll, or until the deadline ends the wait.
    fn schedule(&mut self, client: &mut Client<V>, now_ms: f64) -> Step<V> {
        let random = client.random();
        let Some(wait) = &mut self.wait else {
            return self.finish(client, Err(internal_error()));
        };
        match wait.next(now_ms, random) {
            Next::Sleep(ms) => {
                self.state = State::Sleeping(Purpose::Poll);
                Step::Sleep(ms)
            }
            Next::GiveUpAfter(ms) => {
                self.state = State::Sleeping(Purpose::Deadline);
                Step::Sleep(ms + 1.0)
            }
        }
    }

    fn timeout_error(&self) -> Error<V> {
        Error::Timeout {
            context: String::new(),
            timeout_ms: self.wait.as_ref().map_or(0.0, Wait::timeout_ms),
            task: self.task.clone(),
            last_status: self.wait.as_ref().and_then(Wait::last_status).map(str::to_owned),
        }
    }

    /// What the call is doing, for a failure's message: the operation and
    /// its target (`create a PNG render task for look 7`), and for a render
    /// the stage it is at.
    pub fn context(&self) -> String {
        match &self.op {
            Op::Get { id, .. } => text!("get render task ", id),
            Op::Create(task) => creating(task),
            Op::Results { id } => text!("download the results of render task ", id),
            Op::Wait { id, .. } => text!("wait for render task ", id),
            Op::Render { task, .. } => match self.state {
                State::Start | State::Exchanging(Purpose::Create) => creating(task),
                State::Exchanging(Purpose::Results) | State::Sleeping(Purpose::Results) => {
                    text!("download the results of render task ", self.task_id, " (", target(task), ")")
                }
                _ => text!("wait for render task ", self.task_id, " (", target(task), ")"),
            },
            Op::Login | Op::SignIn { .. } => LOGIN_CONTEXT.into(),
            Op::Logout => "log out of Looker".into(),
        }
    }

    fn finish(&mut self, client: &mut Client<V>, result: Result<Output<V>, Error<V>>) -> Step<V> {
        let result = result.map_err(|error| error.in_context(&|| self.context()));
        self.cancel(client);
        Step::Done(result)
    }
}

/// `create a PNG render task for look 7`.
fn creating(task: &CreateRenderTask) -> String {
    text!("create a ", task.format.label(), " render task for ", task.kind.noun(), " ", task.id)
}

/// What [`Learned`] keys render times by: kind, id, format and size.
fn target_key(task: &CreateRenderTask) -> String {
    text!(task.kind.name(), "/", task.id, "/", task.format.as_str(), "/", task.width, "x", task.height)
}

/// `the PNG of look 7`.
fn target(task: &CreateRenderTask) -> String {
    let kind: RenderKind = task.kind;
    text!("the ", task.format.label(), " of ", kind.noun(), " ", task.id)
}

/// What a call ends with when the I/O layer breaks its side of the protocol
/// (an event out of turn, results not read as bytes): never in a correct build.
fn internal_error<V>() -> Error<V> {
    Error::response("looker-render internal error: the I/O layer and the core disagree")
}

/// Whether `status` says the server is busy (429) or unavailable (503): a
/// render or wait tries again later rather than failing.
fn is_busy(status: u16) -> bool {
    matches!(status, 429 | 503)
}

/// A finished task's bytes and content type, or why not.
fn results<V: Value>(answer: Answer<V>) -> Result<(V, String), Error<V>> {
    if answer.head.status == 202 {
        return Err(Error::NotReady { context: String::new(), retry_after_ms: answer.head.retry_after_ms });
    }
    if !answer.head.is_success() {
        let mut error = answer.api_error();
        if error.status == 404 {
            error.hint = Some("Looker keeps a render's results for a limited time: create a new render task");
        }
        return Err(Error::Api(error));
    }
    let content_type = answer.head.content_type().unwrap_or_else(|| "application/octet-stream".into());
    match answer.body {
        Body::Bytes(bytes) => Ok((bytes, content_type)),
        Body::TooLarge(limit) => {
            Err(Error::response(text!("the result is larger than maxResultBytes (", limit, " bytes)")))
        }
        Body::Json(_) | Body::NotJson(_) => Err(internal_error()),
    }
}

/// One request from the caller's point of view: the token it needs (and the
/// login that may take), its retries, and a repeat after a 401.
#[derive(Clone, Debug)]
struct Exchange {
    /// The request; `None` for a login on its own.
    request: Option<Request>,
    phase: Phase,
    retries: u32,
    started_ms: f64,
    /// The token the request goes with.
    token: Option<String>,
    /// A 401 already renewed the token once.
    renewed: bool,
    /// The login generation this exchange waited on, if it did.
    waited: Option<u32>,
    /// The login this exchange is making for the client.
    login: Option<Login>,
    /// The request is the probe after a pause of the client ([`Gate::Probe`]).
    probe: bool,
    /// The request is a stage of a wait or render, whose own deadline bounds
    /// a pause: the request's deadline starts when it is first sent.
    in_job: bool,
    /// It was sent at least once.
    sent: bool,
    /// An OAuth sign-in's code and verifier, to redeem instead of a refresh.
    sign_in: Option<(String, String)>,
    /// The origin of the page, when the last attempt got no answer from another.
    page_origin: Option<String>,
}

#[derive(Clone, Debug)]
struct Login {
    request: Request,
    retries: u32,
    started_ms: f64,
    /// An OAuth sign-in redeeming its code (else a refresh, or a login with credentials).
    redeem: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    Authorize,
    /// The token is in hand: send.
    Ready,
    AwaitToken,
    AwaitLogin,
    Sending,
    Backoff,
    LoggingIn,
    LoginBackoff,
    /// Waiting for the client's pause to end ([`Throttle`](crate::throttle::Throttle)).
    Paused,
}

enum Exchanged<V> {
    Io(Step<V>),
    /// The answer the caller gets (any status, after retries), `None` for a
    /// login on its own; or the failure.
    Done(Result<Option<Answer<V>>, Error<V>>),
}

impl Exchange {
    fn idle() -> Self {
        Self::new(None, 0.0)
    }

    fn new(request: Option<Request>, now_ms: f64) -> Self {
        Self {
            request,
            phase: Phase::Authorize,
            retries: 0,
            started_ms: now_ms,
            token: None,
            renewed: false,
            waited: None,
            login: None,
            probe: false,
            in_job: false,
            sent: false,
            sign_in: None,
            page_origin: None,
        }
    }

    /// An exchange that sends `token` whatever the session holds (logout).
    fn with_token(request: Request, token: String, now_ms: f64) -> Self {
        Self { token: Some(token), phase: Phase::Ready, renewed: true, ..Self::new(Some(request), now_ms) }
    }

    fn step<V: Value>(&mut self, client: &mut Client<V>, event: Event<V>, now_ms: f64) -> Exchanged<V> {
        match (self.phase, event) {
            (Phase::Authorize, _) | (Phase::AwaitLogin, Event::Woke) => self.authorize(client, now_ms),
            (Phase::AwaitToken, Event::Token(token)) => match token.filter(|token| auth::is_usable_secret(token)) {
                Some(token) => {
                    self.token = Some(token);
                    self.send(client, now_ms)
                }
                None => Exchanged::Done(Err(Error::Argument(ArgumentError::type_error(
                    "",
                    "getAccessToken",
                    "must resolve to a non-empty string without control characters",
                )))),
            },
            (Phase::Ready, _) | (Phase::Backoff | Phase::Paused, Event::Woke) => self.send(client, now_ms),
            (Phase::Sending, Event::Answer(answer)) => self.answered(client, answer, now_ms),
            (Phase::Sending, Event::NoAnswer(page_origin)) => {
                self.health(client, Health::Failing, None, now_ms);
                self.page_origin = page_origin;
                self.failed(client, Attempt::Network, None, now_ms)
            }
            (Phase::Sending, Event::TimedOut) => {
                self.health(client, Health::Failing, None, now_ms);
                Exchanged::Done(Err(Error::RequestTimeout {
                    context: String::new(),
                    timeout_ms: client.config.timeout_ms,
                }))
            }
            (Phase::LoginBackoff, Event::Woke) => self.send_login(client, now_ms),
            (Phase::LoggingIn, Event::Answer(answer)) => self.logged_in(client, answer, now_ms),
            (Phase::LoggingIn, Event::NoAnswer(page_origin)) => {
                self.health(client, Health::Failing, None, now_ms);
                let path = self.login.as_ref().map_or("", |login| path_of(&login.request.url)).to_owned();
                self.login_failed(client, Error::Network { context: LOGIN_CONTEXT.into(), path, page_origin })
            }
            (Phase::LoggingIn, Event::TimedOut) => {
                self.health(client, Health::Failing, None, now_ms);
                let timeout_ms = client.config.timeout_ms;
                self.login_failed(client, Error::RequestTimeout { context: LOGIN_CONTEXT.into(), timeout_ms })
            }
            // The I/O layer answers each step with its event: another is a bug there.
            _ => Exchanged::Done(Err(internal_error())),
        }
    }

    /// Finds the token the request needs, then sends it.
    fn authorize<V: Value>(&mut self, client: &mut Client<V>, now_ms: f64) -> Exchanged<V> {
        let needs_token = self.request.as_ref().map_or(true, |request| request.authenticated);
        if !needs_token {
            return self.send(client, now_ms);
        }
        match &client.config.auth {
            Auth::Transport => self.send(client, now_ms),
            Auth::Token => {
                self.token = client.session.current().map(str::to_owned);
                self.send(client, now_ms)
            }
            Auth::Callback => {
                self.phase = Phase::AwaitToken;
                Exchanged::Io(Step::AskToken)
            }
            Auth::Credentials { .. } | Auth::OAuth(_) => {
                match client.session.token_for_login(now_ms, self.waited.take()) {
                    TokenState::Fresh(token) => {
                        self.token = Some(token);
                        self.send(client, now_ms)
                    }
                    TokenState::Wait(generation) => {
                        self.waited = Some(generation);
                        self.phase = Phase::AwaitLogin;
                        Exchanged::Io(Step::AwaitLogin)
                    }
                    TokenState::LogIn => match self.login_request(client) {
                        Ok((request, redeem)) => {
                            self.login = Some(Login { request, retries: 0, started_ms: now_ms, redeem });
                            self.send_login(client, now_ms)
                        }
                        Err(error) => self.login_failed(client, error),
                    },
                    TokenState::Failed(error) => Exchanged::Done(Err(error)),
                }
            }
        }
    }

    /// The request that gets a token: a login with the credentials, or for
    /// OAuth the redemption of a sign-in's code or a refresh; whether it
    /// redeems a code. OAuth without either: the user must sign in.
    fn login_request<V: Value>(&mut self, client: &Client<V>) -> Result<(Request, bool), Error<V>> {
        let base = &client.config.base;
        match &client.config.auth {
            Auth::OAuth(app) => match (self.sign_in.take(), client.session.refresh_token()) {
                (Some((code, verifier)), _) => Ok((oauth::redeem(base, app, &code, &verifier), true)),
                (None, Some(refresh)) => Ok((oauth::refresh(base, app, refresh), false)),
                (None, None) => Err(oauth::failure(
                    "sign_in_required",
                    "not signed in: call startOAuthLogin(), then completeOAuthLogin() on the page Looker sends the browser back to",
                )),
            },
            Auth::Credentials { client_id, client_secret } => Ok((request::login(base, client_id, client_secret), false)),
            _ => Err(internal_error()),
        }
    }

    fn send<V: Value>(&mut self, client: &mut Client<V>, now_ms: f64) -> Exchanged<V> {
        let Some(request) = &self.request else {
            return Exchanged::Done(Ok(None));
        };
        if self.in_job && !self.sent {
            self.started_ms = now_ms;
        }
        let remaining_ms = client.config.timeout_ms - (now_ms - self.started_ms);
        match client.throttle.gate(now_ms) {
            Gate::Open => {}
            Gate::Probe => self.probe = true,
            Gate::Wait(ms) if self.in_job || ms < remaining_ms => {
                self.phase = Phase::Paused;
                return Exchanged::Io(Step::Sleep(ms));
            }
            // A call that cannot wait the pause out within its deadline asks
            // anyway: the server's answer (another 503, say) is the caller's.
            Gate::Wait(_) => {}
        }
        self.phase = Phase::Sending;
        self.sent = true;
        let authorization = self.token.as_deref().map(|token| client.config.auth.header(token));
        Exchanged::Io(Step::Send { request: request.clone(), authorization, remaining_ms })
    }

    /// Tells the client's throttle how the server answered.
    fn health<V: Clone>(&mut self, client: &mut Client<V>, health: Health, retry_after_ms: Option<f64>, now_ms: f64) {
        self.probe = false;
        let random = client.random();
        // A server asking for longer than the retry policy honours is not
        // waited for: the call gets its error, and the client pauses as if
        // it had asked nothing.
        let retry_after_ms = retry_after_ms.filter(|ms| *ms <= client.config.retry.max_retry_after_ms);
        client.throttle.answered(health, retry_after_ms, now_ms, random);
    }

    fn answered<V: Value>(&mut self, client: &mut Client<V>, answer: Answer<V>, now_ms: f64) -> Exchanged<V> {
        let status = answer.head.status;
        self.health(client, Health::of(Some(status)), answer.head.retry_after_ms, now_ms);
        if status == 401 && !self.renewed && client.config.auth.renews() {
            // The token may have expired early or been revoked: one new token, one repeat.
            self.renewed = true;
            client.session.drop_token(self.token.as_deref());
            return self.authorize(client, now_ms);
        }
        if status < 400 {
            return Exchanged::Done(Ok(Some(answer)));
        }
        if status == 401 {
            // Renewed once already, or a way of signing in that cannot renew.
            let mut error = answer.api_error();
            error.hint = Some(client.config.auth.refused());
            return Exchanged::Done(Err(Error::Api(error)));
        }
        let attempt = Attempt::Status(status, answer.head.retry_after_ms);
        self.failed(client, attempt, Some(answer), now_ms)
    }

    fn failed<V: Value>(
        &mut self,
        client: &mut Client<V>,
        attempt: Attempt,
        answer: Option<Answer<V>>,
        now_ms: f64,
    ) -> Exchanged<V> {
        let Some(request) = &self.request else {
            return Exchanged::Done(Ok(answer));
        };
        let remaining = client.config.timeout_ms - (now_ms - self.started_ms);
        let random = client.random();
        // Past the client's retry budget, a failure is the caller's at once.
        let decision = match client.throttle.may_retry() {
            true => client.config.retry.decide(request.idempotency(), attempt, self.retries, random, remaining),
            false => Decision::GiveUp,
        };
        match decision {
            Decision::RetryAfter(ms) => {
                self.retries += 1;
                self.phase = Phase::Backoff;
                Exchanged::Io(Step::Sleep(ms))
            }
            Decision::GiveUp => match answer {
                Some(answer) => Exchanged::Done(Ok(Some(answer))),
                None => Exchanged::Done(Err(Error::Network {
                    context: String::new(),
                    path: path_of(&request.url).to_owned(),
                    page_origin: self.page_origin.take(),
                })),
            },
        }
    }

    fn send_login<V: Value>(&mut self, client: &mut Client<V>, now_ms: f64) -> Exchanged<V> {
        let Some(login) = &self.login else {
            return self.authorize(client, now_ms);
        };
        self.phase = Phase::LoggingIn;
        Exchanged::Io(Step::Send {
            request: login.request.clone(),
            authorization: None,
            remaining_ms: client.config.timeout_ms - (now_ms - login.started_ms),
        })
    }

    fn logged_in<V: Value>(&mut self, client: &mut Client<V>, answer: Answer<V>, now_ms: f64) -> Exchanged<V> {
        self.health(client, Health::of(Some(answer.head.status)), answer.head.retry_after_ms, now_ms);
        let Some(login) = &mut self.login else {
            return self.authorize(client, now_ms);
        };
        if !answer.head.is_success() && client.throttle.may_retry() {
            let attempt = Attempt::Status(answer.head.status, answer.head.retry_after_ms);
            let remaining = client.config.timeout_ms - (now_ms - login.started_ms);
            let random = client.random();
            if let Decision::RetryAfter(ms) =
                client.config.retry.decide(Idempotency::Session, attempt, login.retries, random, remaining)
            {
                login.retries += 1;
                self.phase = Phase::LoginBackoff;
                return Exchanged::Io(Step::Sleep(ms));
            }
        }
        let redeem = login.redeem;
        let tokens = match client.config.auth {
            Auth::OAuth(_) => oauth::tokens_from(answer, redeem),
            _ => auth::token_from(answer).map(|(token, expires_in)| (token, expires_in, None)),
        };
        match tokens {
            Ok((token, expires_in, refresh)) => {
                self.login = None;
                client.session.logged_in(token.clone(), auth::renew_at_ms(now_ms, expires_in));
                client.session.set_refresh_token(refresh);
                self.token = Some(token);
                self.send(client, now_ms)
            }
            Err(error) => self.login_failed(client, error),
        }
    }

    fn login_failed<V: Value>(&mut self, client: &mut Client<V>, error: Error<V>) -> Exchanged<V> {
        self.login = None;
        client.session.login_failed(&error);
        Exchanged::Done(Err(error))
    }

    /// Releases a login in flight, so that waiting calls can make their own.
    fn cancel<V: Clone>(&mut self, client: &mut Client<V>) {
        if self.login.take().is_some() {
            client.session.login_abandoned();
        }
        if std::mem::take(&mut self.probe) {
            client.throttle.probe_abandoned();
        }
    }
}

#[cfg(test)]
mod tests {
    //! Whole calls against a scripted server, on a virtual clock: every
    //! rule of retries, sign-in, waiting and rendering, without a network.
    use super::*;
    use crate::request::Method;
    use crate::response::Head;
    use serde_json::{json, Value as Json};

    /// What the scripted server answers.
    enum Reply {
        Answer(u16, Option<&'static str>, Body<Json>),
        NoAnswer,
    }

    fn ok(body: Json) -> Reply {
        Reply::Answer(200, None, Body::Json(body))
    }

    fn status(code: u16, retry_after: Option<&'static str>) -> Reply {
        Reply::Answer(code, retry_after, Body::Json(json!({"message": "busy", "documentation_url": "https://docs"})))
    }

    fn task(id: &str, status: &str) -> Json {
        json!({"id": id, "status": status, "status_detail": if status == "failure" { json!("Query failed: boom") } else { json!(null) }})
    }

    /// One request as the server saw it.
    #[derive(Debug, Clone, PartialEq)]
    struct Seen {
        method: Method,
        path: String,
        token: Option<String>,
        at: f64,
    }

    fn config(auth: Auth) -> Config {
        Config {
            base: ApiBase::parse("https://looker.test").unwrap(),
            auth,
            timeout_ms: 10_000.0,
            retry: RetryPolicy::default(),
            max_result_bytes: 1e6,
            poll: PollSchedule { jitter: 0.0, ..PollSchedule::default() },
        }
    }

    fn token_client() -> Client<Json> {
        Client::new(config(Auth::Token), Session::with_token("t0".into()), 7)
    }

    fn credentials_client() -> Client<Json> {
        let auth = Auth::Credentials { client_id: "id".into(), client_secret: "secret".into() };
        Client::new(config(auth), Session::default(), 7)
    }

    /// What the test server sees of `request` sent at `at`: the token without its scheme.
    fn seen_by_server(request: &Request, authorization: Option<String>, at: f64) -> Seen {
        let token =
            authorization.map(|header| header.split_once(' ').map_or(header.clone(), |(_, token)| token.to_owned()));
        Seen { method: request.method, path: path_of(&request.url).to_owned(), token, at }
    }

    /// The event of the test server's `reply` to `request`, arriving at `at`:
    /// as the driver reads it, bytes for a 200 to a request that expects bytes.
    fn answer_event(reply: Reply, request: &Request, at: f64) -> Event<Json> {
        match reply {
            Reply::NoAnswer => Event::NoAnswer(None),
            Reply::Answer(code, retry_after, body) => {
                let body = match (body, request.expect) {
                    (Body::Json(value), crate::request::Expect::Bytes(_)) if code == 200 => Body::Bytes(value),
                    (body, _) => body,
                };
                let head = Head::new(code, Some(json!("application/json")), retry_after, at);
                Event::Answer(Answer { head, body })
            }
        }
    }

    /// Runs `op` to the end: each request takes 1 ms, sleeps advance the clock.
    struct Run {
        result: Result<Output<Json>, Error<Json>>,
        seen: Vec<Seen>,
        progress: Vec<Option<String>>,
        sleeps: Vec<f64>,
    }

    fn run(client: &mut Client<Json>, op: Op, server: impl FnMut(&Seen, usize) -> Reply) -> Run {
        run_at(1_000.0, client, op, server)
    }

    fn run_at(start_ms: f64, client: &mut Client<Json>, op: Op, mut server: impl FnMut(&Seen, usize) -> Reply) -> Run {
        let mut call = Call::new(op);
        let (mut now, mut event) = (start_ms, Event::Start);
        let (mut seen, mut progress, mut sleeps) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..1000 {
            event = match call.step(client, event, now) {
                Step::Send { request, authorization, .. } => {
                    now += 1.0;
                    let request_seen = seen_by_server(&request, authorization, now);
                    let reply = server(&request_seen, seen.len());
                    seen.push(request_seen);
                    answer_event(reply, &request, now)
                }
                Step::Sleep(ms) => {
                    sleeps.push(ms);
                    now += ms;
                    Event::Woke
                }
                Step::Progress(task) => {
                    progress.push(task["status"].as_str().map(str::to_owned));
                    Event::Woke
                }
                Step::AskToken => Event::Token(Some("from-callback".into())),
                Step::AwaitLogin => panic!("nobody else is logging in"),
                Step::Done(result) => return Run { result, seen, progress, sleeps },
            };
        }
        panic!("the call did not end");
    }

    /// How a call ended.
    type Ended = Result<Output<Json>, Error<Json>>;

    /// Runs `ops` at once on one client, on a virtual clock (each request
    /// takes 1 ms): what each ended with, and every request the server saw.
    fn run_together(
        client: &mut Client<Json>,
        ops: Vec<Op>,
        mut server: impl FnMut(&Seen) -> Reply,
    ) -> (Vec<Ended>, Vec<Seen>) {
        let mut calls: Vec<(Call<Json>, f64, Option<Event<Json>>)> =
            ops.into_iter().map(|op| (Call::new(op), 0.0, Some(Event::Start))).collect();
        let mut results: Vec<Option<Ended>> = calls.iter().map(|_| None).collect();
        let mut seen = Vec::new();
        for _ in 0..100_000 {
            // The call whose next event comes first.
            let Some(index) =
                (0..calls.len()).filter(|&i| calls[i].2.is_some()).min_by(|&a, &b| calls[a].1.total_cmp(&calls[b].1))
            else {
                return (results.into_iter().map(Option::unwrap).collect(), seen);
            };
            let (call, at, event) = &mut calls[index];
            let now = *at;
            let step = call.step(client, event.take().unwrap(), now);
            client.session.take_settled();
            let (next_at, next) = match step {
                Step::Send { request, authorization, .. } => {
                    let request_seen = seen_by_server(&request, authorization, now);
                    let reply = server(&request_seen);
                    seen.push(request_seen);
                    (now + 1.0, Some(answer_event(reply, &request, now + 1.0)))
                }
                Step::Sleep(ms) => (now + ms, Some(Event::Woke)),
                Step::Progress(_) => (now, Some(Event::Woke)),
                Step::Done(result) => {
                    results[index] = Some(result);
                    (now, None)
                }
                other => panic!("{other:?}"),
            };
            calls[index].1 = next_at;
            calls[index].2 = next;
        }
        panic!("the calls did not end");
    }

    /// A server whose renders each take `render_ms` from their creation.
    fn renderer(render_ms: f64) -> impl FnMut(&Seen) -> Reply {
        let mut created: Vec<f64> = Vec::new();
        move |seen: &Seen| {
            if seen.method == Method::Post {
                created.push(seen.at);
                return ok(task(&(created.len() - 1).to_string(), "enqueued_for_query"));
            }
            let id: usize = seen.path.split('/').nth(4).and_then(|id| id.parse().ok()).unwrap();
            match (seen.path.ends_with("/results"), seen.at - created[id] >= render_ms) {
                (true, _) => Reply::Answer(200, None, Body::Json(json!("PNG"))),
                (false, true) => ok(task(&id.to_string(), "success")),
                (false, false) => ok(task(&id.to_string(), "rendering")),
            }
        }
    }

    fn render_op() -> Op {
        Op::Render { task: Box::new(create()), timeout_ms: 600_000.0 }
    }

    #[test]
    fn a_busy_answer_pauses_every_call_of_the_client() {
        let mut client = token_client();
        let mut first = true;
        let wait = Op::Wait { id: "b".into(), timeout_ms: 60_000.0 };
        let (results, seen) = run_together(&mut client, vec![get("a"), wait], |_| match std::mem::take(&mut first) {
            true => status(503, Some("3")),
            false => ok(task("a", "success")),
        });
        assert!(results.iter().all(Result::is_ok));
        // One 503 at 0 ms: the wait's first poll (due at 400 ms) waited the
        // 3 s out too, and one request went first as a probe.
        let times: Vec<f64> = seen.iter().map(|s| s.at).collect();
        assert_eq!(times.iter().filter(|&&t| t > 0.0 && t < 3_000.0).count(), 0, "{times:?}");
        assert_eq!(seen.len(), 3);
        assert!(seen[2].at > seen[1].at, "{times:?}");
    }

    #[test]
    fn renders_live_through_an_outage_with_few_requests_and_no_herd() {
        let mut client = token_client();
        let mut render = renderer(4_000.0);
        let outage = 2_000.0..12_000.0;
        let ops: Vec<Op> = (0..8).map(|_| render_op()).collect();
        let (results, seen) =
            run_together(
                &mut client,
                ops,
                |seen| {
                    if outage.contains(&seen.at) {
                        status(503, None)
                    } else {
                        render(seen)
                    }
                },
            );
        assert!(
            results.iter().all(Result::is_ok),
            "{:?}",
            results.iter().filter_map(|r| r.as_ref().err().map(Error::message)).collect::<Vec<_>>()
        );
        let during = seen.iter().filter(|s| outage.contains(&s.at)).count();
        // Eight renders polling through ten seconds of 503s: a probe per pause, not a stream.
        assert!(during <= 10, "{during} requests during the outage");
        // When it comes back: one probe first, then the rest.
        let after: Vec<f64> = seen.iter().map(|s| s.at).filter(|t| *t >= outage.end).collect();
        assert!(after.len() >= 2 && after[1] > after[0], "{after:?}");
    }

    #[test]
    fn the_retry_budget_holds_retries_down_when_everything_fails() {
        let mut client = token_client();
        let ops: Vec<Op> = (0..40).map(|n| get(&n.to_string())).collect();
        let (results, seen) = run_together(&mut client, ops, |_| status(502, None));
        assert!(results.iter().all(|r| r.as_ref().is_err_and(|e| e.status() == Some(502))));
        // Without the budget: 40 × 4. With it: the 40, and a few retries.
        assert!(seen.len() <= 46, "{} requests", seen.len());
    }

    #[test]
    fn renders_of_a_target_seen_before_are_polled_near_their_finish() {
        let mut client = token_client();
        let mut server = renderer(4_000.0);
        let (first, seen_first) = run_together(&mut client, vec![render_op()], &mut server);
        let (second, seen_second) = run_together(&mut client, vec![render_op()], &mut server);
        assert!(first[0].is_ok() && second[0].is_ok());
        let polls =
            |seen: &[Seen]| seen.iter().filter(|s| s.method == Method::Get && !s.path.ends_with("/results")).count();
        assert!(polls(&seen_second) * 2 <= polls(&seen_first), "{} then {}", polls(&seen_first), polls(&seen_second));
        // And the finish is seen soon: within half a second.
        let done = seen_second.iter().find(|s| s.path.ends_with("/results")).unwrap().at - seen_second[0].at;
        assert!(done < 4_000.0 + 600.0, "{done}");
    }

    fn get(id: &str) -> Op {
        Op::Get { id: id.into(), fields: Fields::all() }
    }

    fn create() -> CreateRenderTask {
        CreateRenderTask {
            kind: crate::params::RenderKind::Look,
            id: "7".into(),
            format: crate::params::ResultFormat::Png,
            width: 10,
            height: 10,
            dashboard: Default::default(),
            fields: Fields::all(),
        }
    }

    #[test]
    fn a_get_sends_the_token_and_hands_back_the_task() {
        let run = run(&mut token_client(), get("a/b"), |_, _| ok(task("t1", "success")));
        assert_eq!(run.result, Ok(Output::Task(task("t1", "success"))));
        assert_eq!(run.seen.len(), 1);
        assert_eq!(run.seen[0].path, "/api/4.0/render_tasks/a%2Fb");
        assert_eq!(run.seen[0].token.as_deref(), Some("t0"));
    }

    #[test]
    fn reads_retry_through_a_busy_server_and_creates_do_not() {
        let run1 =
            run(
                &mut token_client(),
                get("1"),
                |_, n| if n < 2 { status(503, None) } else { ok(task("1", "querying")) },
            );
        assert!(run1.result.is_ok());
        assert_eq!(run1.seen.len(), 3);
        let run2 = run(&mut token_client(), Op::Create(Box::new(create())), |_, _| status(503, None));
        assert_eq!(run2.seen.len(), 1);
        assert_eq!(run2.result.unwrap_err().status(), Some(503));
        let run3 = run(&mut token_client(), Op::Create(Box::new(create())), |_, n| {
            if n == 0 {
                status(429, Some("2"))
            } else {
                ok(task("1", "enqueued_for_query"))
            }
        });
        assert_eq!(run3.sleeps, [2000.0]);
        assert!(run3.result.is_ok());
    }

    #[test]
    fn a_network_failure_is_retried_for_reads_then_reported_without_the_query() {
        let run = run(&mut token_client(), Op::Get { id: "x".into(), fields: Fields::from_csv("id") }, |_, _| {
            Reply::NoAnswer
        });
        assert_eq!(run.seen.len(), 4);
        let error = run.result.unwrap_err();
        assert_eq!(error.message(), "get render task x: no answer from /api/4.0/render_tasks/x");
    }

    #[test]
    fn wrong_bodies_are_response_errors() {
        let run = run(&mut token_client(), get("1"), |_, _| ok(json!({"id": "1", "width": "wide"})));
        let error = run.result.unwrap_err();
        assert!(matches!(&error, Error::Response { .. }));
        assert!(error.message().starts_with("get render task 1: the response is not a RenderTask: property width"));
    }

    #[test]
    fn credentials_log_in_once_then_renew_after_a_401() {
        let mut client = credentials_client();
        let mut logins = 0;
        let run1 = run(&mut client, get("1"), |seen, _| {
            if seen.path.ends_with("/login") {
                logins += 1;
                ok(json!({"access_token": format!("tok{logins}"), "expires_in": 3600}))
            } else {
                ok(task("1", "success"))
            }
        });
        assert!(run1.result.is_ok());
        assert_eq!(run1.seen.iter().map(|s| s.token.clone()).collect::<Vec<_>>(), [None, Some("tok1".into())]);
        // The token is reused, then a 401 renews it once and repeats the request.
        let run2 = run(&mut client, get("1"), |seen, n| match (seen.path.ends_with("/login"), n) {
            (true, _) => ok(json!({"access_token": "tok2"})),
            (false, 0) => status(401, None),
            _ => ok(task("1", "success")),
        });
        let tokens: Vec<_> = run2.seen.iter().map(|s| s.token.clone()).collect();
        assert_eq!(tokens, [Some("tok1".into()), None, Some("tok2".into())]);
        assert!(run2.result.is_ok());
        // A second 401 is the caller's.
        let run3 = run(&mut client, get("1"), |seen, _| {
            if seen.path.ends_with("/login") {
                ok(json!({"access_token": "tok3"}))
            } else {
                status(401, None)
            }
        });
        let error = run3.result.unwrap_err();
        assert_eq!(error.status(), Some(401));
        assert_eq!(run3.seen.len(), 3);
        // It says how the client signed in, and never with what.
        let message = error.message();
        assert!(
            message.starts_with(
                "get render task 1: 401 busy. The client signed in with options.clientId and clientSecret"
            ),
            "{message}"
        );
        assert!(!message.contains("secret\"") && !message.contains("tok3"));
    }

    #[test]
    fn tokens_are_renewed_before_they_expire() {
        let mut client = credentials_client();
        let reply = |seen: &Seen, _: usize| {
            if seen.path.ends_with("/login") {
                ok(json!({"access_token": "t", "expires_in": 1}))
            } else {
                ok(task("1", "success"))
            }
        };
        assert_eq!(run_at(0.0, &mut client, get("1"), reply).seen.len(), 2);
        // Renewal is due a tenth of its life early: at 0.9 s, not 1 s.
        assert_eq!(run_at(850.0, &mut client, get("1"), reply).seen.len(), 1);
        assert_eq!(run_at(950.0, &mut client, get("1"), reply).seen.len(), 2);
    }

    #[test]
    fn a_failed_login_says_so_and_is_not_retried_on_404() {
        let run = run(&mut credentials_client(), get("1"), |_, _| {
            Reply::Answer(404, None, Body::Json(json!({"message": "Not found"})))
        });
        let Err(Error::Api(error)) = run.result else { panic!() };
        assert_eq!((error.status, run.seen.len()), (404, 1));
        assert_eq!(Error::Api(error).message(), "log in to Looker: 404 Not found. Check clientId and clientSecret");
    }

    /// Steps a call until it asks for something other than a token.
    fn start(call: &mut Call<Json>, client: &mut Client<Json>) -> Step<Json> {
        call.step(client, Event::Start, 0.0)
    }

    fn login_answer(token: &str) -> Event<Json> {
        Event::Answer(Answer {
            head: Head { status: 200, ..Head::default() },
            body: Body::Json(json!({"access_token": token})),
        })
    }

    #[test]
    fn concurrent_calls_share_one_login_and_its_failure() {
        let mut client = credentials_client();
        let (mut a, mut b) = (Call::new(get("1")), Call::new(get("2")));
        assert!(matches!(start(&mut a, &mut client), Step::Send { request, .. } if request.url.ends_with("/login")));
        assert_eq!(start(&mut b, &mut client), Step::AwaitLogin);
        assert!(
            matches!(a.step(&mut client, login_answer("shared"), 1.0), Step::Send { authorization: Some(t), .. } if t == "token shared")
        );
        assert!(client.session.take_settled());
        assert!(
            matches!(b.step(&mut client, Event::Woke, 1.0), Step::Send { authorization: Some(t), .. } if t == "token shared")
        );

        let mut client = credentials_client();
        let (mut a, mut b) = (Call::new(get("1")), Call::new(get("2")));
        start(&mut a, &mut client);
        start(&mut b, &mut client);
        let refused = Event::Answer(Answer {
            head: Head { status: 404, ..Head::default() },
            body: Body::Json(json!({"message": "Not found"})),
        });
        assert!(matches!(a.step(&mut client, refused, 1.0), Step::Done(Err(Error::Api(e))) if e.status == 404));
        assert!(matches!(b.step(&mut client, Event::Woke, 1.0), Step::Done(Err(Error::Api(e))) if e.status == 404));
    }

    #[test]
    fn an_abandoned_login_lets_the_next_call_log_in() {
        let mut client = credentials_client();
        let (mut a, mut b) = (Call::new(get("1")), Call::new(get("2")));
        start(&mut a, &mut client);
        assert_eq!(start(&mut b, &mut client), Step::AwaitLogin);
        a.cancel(&mut client);
        assert!(client.session.take_settled());
        assert!(
            matches!(b.step(&mut client, Event::Woke, 1.0), Step::Send { request, .. } if request.url.ends_with("/login"))
        );
    }

    #[test]
    fn a_callback_token_is_asked_for_each_request_and_checked() {
        let mut client = Client::new(config(Auth::Callback), Session::default(), 1);
        let run = run(&mut client, get("1"), |_, _| ok(task("1", "success")));
        assert_eq!(run.seen[0].token.as_deref(), Some("from-callback"));
        let mut call = Call::new(get("1"));
        assert_eq!(call.step(&mut client, Event::Start, 0.0), Step::AskToken);
        assert!(matches!(
            call.step(&mut client, Event::Token(Some("a\nb".into())), 0.0),
            Step::Done(Err(Error::Argument(ArgumentError { range: false, .. })))
        ));
    }

    #[test]
    fn render_creates_waits_reports_each_change_and_downloads() {
        let mut polls = 0;
        let run = run(&mut token_client(), Op::Render { task: Box::new(create()), timeout_ms: 60_000.0 }, |seen, _| {
            match (seen.method, seen.path.as_str()) {
                (Method::Post, _) => ok(task("r1", "enqueued_for_query")),
                (_, "/api/4.0/render_tasks/r1/results") => Reply::Answer(200, None, Body::Json(json!("PNG"))),
                _ => {
                    polls += 1;
                    ok(task("r1", ["querying", "querying", "rendering", "success"][polls - 1]))
                }
            }
        });
        assert_eq!(
            run.progress,
            [
                Some("enqueued_for_query".into()),
                Some("querying".into()),
                Some("rendering".into()),
                Some("success".into())
            ]
        );
        assert_eq!(run.sleeps, [400.0, 600.0, 900.0, 1000.0]);
        let Ok(Output::Rendered { task: done, bytes, .. }) = run.result else { panic!("{:?}", run.result) };
        assert_eq!((done["status"].as_str(), bytes), (Some("success"), json!("PNG")));
        assert_eq!(run.seen.len(), 6);
    }

    #[test]
    fn a_failed_render_quotes_status_detail() {
        let run = run(&mut token_client(), Op::Render { task: Box::new(create()), timeout_ms: 60_000.0 }, |seen, _| {
            if seen.method == Method::Post {
                ok(task("r2", "querying"))
            } else {
                ok(task("r2", "failure"))
            }
        });
        let error = run.result.unwrap_err();
        assert_eq!(
            error.message(),
            "wait for render task r2 (the PNG of look 7): the render failed: Query failed: boom"
        );
        let Error::Failed { task, .. } = error else { panic!() };
        assert_eq!(task["status"], "failure");
    }

    #[test]
    fn a_wait_ends_at_its_deadline_with_the_last_task() {
        let run = run(&mut token_client(), Op::Wait { id: "w".into(), timeout_ms: 2_000.0 }, |_, _| {
            ok(task("w", "rendering"))
        });
        let error = run.result.unwrap_err();
        assert_eq!(
            error.message(),
            "wait for render task w: the render did not finish within timeoutMs (2000 ms); last status: rendering"
        );
        let Error::Timeout { timeout_ms, task, .. } = error else { panic!() };
        assert_eq!((timeout_ms, task.unwrap()["status"].as_str()), (2_000.0, Some("rendering")));
        assert!(run.sleeps.iter().sum::<f64>() <= 2_002.0, "{:?}", run.sleeps);
        assert_eq!(run.progress, [Some("rendering".into())]);
    }

    #[test]
    fn a_rate_limited_poll_waits_as_asked() {
        let run = run(&mut token_client(), Op::Wait { id: "w".into(), timeout_ms: 60_000.0 }, |_, n| match n {
            0 => ok(task("w", "rendering")),
            1..=4 => status(429, Some("5")),
            _ => ok(task("w", "success")),
        });
        assert!(run.result.is_ok());
        // The poll's own retries (3 × 5 s), then the wait's schedule honours the last 5 s.
        assert_eq!(run.sleeps, [600.0, 5000.0, 5000.0, 5000.0, 5000.0]);
    }

    #[test]
    fn results_202_after_success_wait_as_asked() {
        let mut results = 0;
        let run = run(&mut token_client(), Op::Render { task: Box::new(create()), timeout_ms: 60_000.0 }, |seen, _| {
            if seen.method == Method::Post {
                ok(task("r3", "success"))
            } else {
                results += 1;
                if results == 1 {
                    Reply::Answer(202, Some("1"), Body::Json(json!(null)))
                } else {
                    Reply::Answer(200, None, Body::Json(json!("PDF")))
                }
            }
        });
        assert!(matches!(run.result, Ok(Output::Rendered { .. })));
        assert_eq!(run.sleeps, [1000.0]);
        let not_ready = self::run(&mut token_client(), Op::Results { id: "x".into() }, |_, _| {
            Reply::Answer(202, Some("3"), Body::Json(json!(null)))
        });
        assert!(matches!(not_ready.result, Err(Error::NotReady { retry_after_ms: Some(ms), .. }) if ms == 3000.0));
    }

    #[test]
    fn logout_revokes_the_token_in_hand_and_forgets_it() {
        let mut client = token_client();
        let run1 = run(&mut client, Op::Logout, |_, _| Reply::Answer(204, None, Body::NotJson(0)));
        assert_eq!((run1.seen[0].method, run1.seen[0].token.as_deref()), (Method::Delete, Some("t0")));
        assert_eq!(client.session.current(), None);
        // Nothing in hand: nothing sent.
        assert_eq!(run(&mut client, Op::Logout, |_, _| panic!("sent")).seen.len(), 0);
        assert_eq!(run(&mut client, Op::Login, |_, _| panic!("sent")).result, Ok(Output::Nothing));
    }

    #[test]
    fn login_logs_in_again_now() {
        let mut client = credentials_client();
        client.session.logged_in("old".into(), f64::INFINITY);
        let run = run(&mut client, Op::Login, |_, _| ok(json!({"access_token": "new"})));
        assert_eq!((run.seen.len(), client.session.current()), (1, Some("new")));
    }

    #[test]
    fn errors_say_what_the_call_was_doing() {
        let not_found = |_: &Seen, _: usize| Reply::Answer(404, None, Body::Json(json!({"message": "Not found"})));
        let error = run(&mut token_client(), Op::Create(Box::new(create())), not_found).result.unwrap_err();
        assert_eq!(error.message(), "create a PNG render task for look 7: 404 Not found");
        let Error::Api(api) = &error else { panic!() };
        assert_eq!((api.status, api.looker_message.as_deref()), (404, Some("Not found")));
        let error = run(&mut token_client(), Op::Results { id: "r".into() }, not_found).result.unwrap_err();
        assert!(error.message().starts_with("download the results of render task r: 404 Not found. Looker keeps"));
        assert!(error.message().contains("limited time"));
        // A render names its stage and its target.
        let render = Op::Render { task: Box::new(create()), timeout_ms: 60_000.0 };
        let run1 = run(&mut token_client(), render, |seen, _| match (seen.method, seen.path.ends_with("/results")) {
            (Method::Post, _) => ok(task("r9", "success")),
            (_, false) => ok(task("r9", "success")),
            (_, true) => Reply::Answer(404, None, Body::Json(json!({"message": "Not found"}))),
        });
        assert!(run1
            .result
            .unwrap_err()
            .message()
            .starts_with("download the results of render task r9 (the PNG of look 7): 404"));
        // A fixed token that Looker refuses: the message says it was options.accessToken.
        let error = run(&mut token_client(), get("1"), |_, _| status(401, None)).result.unwrap_err();
        assert!(error.message().contains("options.accessToken"), "{}", error.message());
        assert!(!error.message().contains("t0"));
    }

    #[test]
    fn a_request_past_its_deadline_says_which() {
        let mut client = token_client();
        let mut call = Call::new(get("1"));
        assert!(matches!(call.step(&mut client, Event::Start, 0.0), Step::Send { .. }));
        let Step::Done(Err(error)) = call.step(&mut client, Event::TimedOut, 10_000.0) else { panic!() };
        assert!(matches!(error, Error::RequestTimeout { timeout_ms: 10_000.0, .. }));
        assert_eq!(error.message(), "get render task 1: no answer within timeoutMs (10000 ms)");
        // A login past its deadline says it was the login.
        let mut client = credentials_client();
        let mut call = Call::new(get("1"));
        assert!(matches!(call.step(&mut client, Event::Start, 0.0), Step::Send { .. }));
        let Step::Done(Err(error)) = call.step(&mut client, Event::TimedOut, 10_000.0) else { panic!() };
        assert_eq!(error.message(), "log in to Looker: no answer within timeoutMs (10000 ms)");
    }

    #[test]
    fn no_answer_to_a_page_on_another_origin_names_cors() {
        let mut client = token_client();
        let mut call = Call::new(Op::Create(Box::new(create())));
        assert!(matches!(call.step(&mut client, Event::Start, 0.0), Step::Send { .. }));
        let Step::Done(Err(error)) = call.step(&mut client, Event::NoAnswer(Some("https://app.test".into())), 1.0)
        else {
            panic!()
        };
        let message = error.message();
        assert!(message.starts_with("create a PNG render task for look 7: no answer from /api/4.0/render_tasks/looks/7/png; from a page on https://app.test"), "{message}");
        assert!(message.contains("CORS") && message.contains("allowlist"));
    }

    #[test]
    fn a_refused_logout_still_forgets_the_token() {
        let mut client = token_client();
        let error = run(&mut client, Op::Logout, |_, _| status(401, None)).result.unwrap_err();
        assert!(error.message().starts_with("log out of Looker: 401"));
        assert_eq!(client.session.current(), None);
    }

    fn oauth_client() -> Client<Json> {
        let app = crate::oauth::OAuthApp::new("app".into(), "https://app.test/".into(), "https://looker.test", false)
            .unwrap();
        Client::new(config(Auth::OAuth(app)), Session::default(), 7)
    }

    /// A token endpoint that counts its grants and rotates refresh tokens.
    fn token_server(expires_in: u32) -> impl FnMut(&Seen, usize) -> Reply {
        let mut issued = 0;
        move |seen, _| {
            if seen.path == "/api/token" {
                issued += 1;
                return ok(
                    json!({"access_token": format!("a{issued}"), "token_type": "Bearer", "expires_in": expires_in, "refresh_token": format!("r{issued}")}),
                );
            }
            ok(task("1", "success"))
        }
    }

    #[test]
    fn oauth_signs_in_with_the_code_then_sends_bearer_tokens() {
        let mut client = oauth_client();
        // Not signed in: a clear error, and nothing sent.
        let run0 = run(&mut client, get("1"), |_, _| panic!("nothing may be sent"));
        assert!(
            matches!(&run0.result, Err(Error::OAuth { code, .. }) if code == "sign_in_required"),
            "{:?}",
            run0.result
        );
        let mut server = token_server(3600);
        let sign_in = run(&mut client, Op::SignIn { code: "c".into(), verifier: "v".into() }, &mut server);
        assert_eq!(sign_in.result, Ok(Output::Nothing));
        assert_eq!((sign_in.seen[0].path.as_str(), sign_in.seen[0].token.as_deref()), ("/api/token", None));
        let call = run(&mut client, get("1"), &mut server);
        assert!(call.result.is_ok());
        assert_eq!(call.seen.len(), 1);
        assert_eq!(call.seen[0].token.as_deref(), Some("a1"));
        assert_eq!(client.session.refresh_token(), Some("r1"));
    }

    #[test]
    fn oauth_refreshes_before_expiry_and_once_after_a_401() {
        let mut client = oauth_client();
        let mut server = token_server(10);
        run_at(0.0, &mut client, Op::SignIn { code: "c".into(), verifier: "v".into() }, &mut server);
        // Due at 9 s (a tenth early): the call refreshes first, with the rotated token.
        let later = run_at(9_500.0, &mut client, get("1"), &mut server);
        assert_eq!(
            later.seen.iter().map(|s| s.path.as_str()).collect::<Vec<_>>(),
            ["/api/token", "/api/4.0/render_tasks/1"]
        );
        assert_eq!(later.seen[1].token.as_deref(), Some("a2"));
        assert_eq!(client.session.refresh_token(), Some("r2"));
        // A 401: one refresh, one repeat.
        let after_401 = run_at(9_600.0, &mut client, get("1"), |seen, n| match n {
            0 => status(401, None),
            _ => server(seen, n),
        });
        assert!(after_401.result.is_ok());
        assert_eq!(
            after_401.seen.iter().map(|s| s.token.clone()).collect::<Vec<_>>(),
            [Some("a2".into()), None, Some("a3".into())]
        );
    }

    #[test]
    fn a_refused_refresh_ends_the_sign_in() {
        let mut client = oauth_client();
        run_at(0.0, &mut client, Op::SignIn { code: "c".into(), verifier: "v".into() }, token_server(10));
        let refused = |_: &Seen, _: usize| {
            Reply::Answer(400, None, Body::Json(json!({"error": "invalid_grant", "error_description": "revoked"})))
        };
        let run1 = run_at(9_500.0, &mut client, get("1"), refused);
        let Err(Error::OAuth { code, message }) = run1.result else { panic!("{:?}", run1.result) };
        assert_eq!(code, "sign_in_required");
        assert!(message.contains("sign in again") && message.contains("revoked"), "{message}");
        // The refresh token is gone: the next call sends nothing.
        assert_eq!(client.session.refresh_token(), None);
        let run2 = run_at(9_600.0, &mut client, get("1"), |_, _| panic!("nothing may be sent"));
        assert!(matches!(run2.result, Err(Error::OAuth { .. })));
    }

    #[test]
    fn oauth_logout_revokes_at_api_logout_and_forgets_both_tokens() {
        let mut client = oauth_client();
        run(&mut client, Op::SignIn { code: "c".into(), verifier: "v".into() }, token_server(3600));
        let logout = run(&mut client, Op::Logout, |_, _| Reply::Answer(204, None, Body::NotJson(0)));
        assert_eq!(logout.result, Ok(Output::Nothing));
        assert_eq!(
            (logout.seen[0].method, logout.seen[0].path.as_str(), logout.seen[0].token.as_deref()),
            (Method::Delete, "/api/logout", Some("a1"))
        );
        assert_eq!((client.session.current(), client.session.refresh_token()), (None, None));
    }

    #[test]
    fn a_refused_code_says_so() {
        let mut client = oauth_client();
        let run = run(&mut client, Op::SignIn { code: "c".into(), verifier: "v".into() }, |_, _| {
            Reply::Answer(
                400,
                None,
                Body::Json(json!({"error": "invalid_grant", "error_description": "code already used"})),
            )
        });
        let Err(Error::OAuth { code, message }) = run.result else { panic!() };
        assert_eq!(code, "invalid_grant");
        assert!(message.contains("code already used"));
        assert_eq!(run.seen.len(), 1);
    }

    #[test]
    fn events_out_of_order_end_the_call_without_a_panic() {
        let mut client = token_client();
        let mut call = Call::new(get("1"));
        call.step(&mut client, Event::Start, 0.0);
        assert!(matches!(call.step(&mut client, Event::Token(None), 0.0), Step::Done(Err(Error::Response { .. }))));
        assert!(matches!(call.step(&mut client, Event::Woke, 0.0), Step::Done(Err(_))));
    }
}
