//! Calls of the core's state machine (`Call::step`), two at a time on one
//! client, fed whatever events the input chooses (answers of any status and
//! body, failures, expiries, and events out of turn): never panics, never
//! asks for a sleep or a deadline that is not a number, always ends, and
//! every failure's message says what the call was doing.
#![no_main]

use libfuzzer_sys::fuzz_target;
use looker_render_core::auth::{Auth, Session};
use looker_render_core::call::{Call, Client, Config, Event, Op, Step};
use looker_render_core::params::{RenderKind, ResultFormat};
use looker_render_core::poll::PollSchedule;
use looker_render_core::request::{CreateRenderTask, Fields};
use looker_render_core::response::{Answer, Body, Head};
use looker_render_core::retry::RetryPolicy;
use looker_render_core::url::ApiBase;
use serde_json::{json, Value};

const STATUSES: [u16; 12] = [200, 200, 200, 202, 204, 401, 404, 422, 429, 500, 503, 504];
const TASK_STATUSES: [&str; 7] = ["enqueued_for_query", "querying", "rendering", "success", "failure", "paused", ""];

struct Bytes<'a>(std::slice::Iter<'a, u8>);

impl Bytes<'_> {
    fn next(&mut self) -> u8 {
        self.0.next().copied().unwrap_or(0)
    }
}

fn op(choice: u8) -> Op {
    let task = || {
        Box::new(CreateRenderTask {
            kind: RenderKind::Dashboard,
            id: "42".into(),
            format: ResultFormat::Pdf,
            width: 10,
            height: 10,
            dashboard: Default::default(),
            fields: Fields::all(),
        })
    };
    match choice % 7 {
        0 => Op::Get { id: "t".into(), fields: Fields::all() },
        1 => Op::Create(task()),
        2 => Op::Results { id: "t".into() },
        3 => Op::Wait { id: "t".into(), timeout_ms: 5_000.0 },
        4 => Op::Render { task: task(), timeout_ms: 5_000.0 },
        5 => Op::Login,
        _ => Op::Logout,
    }
}

fn answer(bytes: &mut Bytes) -> Answer<Value> {
    let status = STATUSES[usize::from(bytes.next()) % STATUSES.len()];
    let retry_after = match bytes.next() % 4 {
        0 => Some("1"),
        1 => Some("Sun, 06 Nov 1994 08:49:37 GMT"),
        2 => Some("soon"),
        _ => None,
    };
    let body = match bytes.next() % 6 {
        0 => Body::Json(json!({"id": "t", "status": TASK_STATUSES[usize::from(bytes.next()) % TASK_STATUSES.len()]})),
        1 => Body::Json(json!({"access_token": "tok", "expires_in": bytes.next()})),
        2 => Body::Json(json!({"message": "no", "errors": [{"field": "w"}]})),
        3 => Body::NotJson(usize::from(bytes.next())),
        4 => Body::Bytes(json!("PNG")),
        _ => Body::TooLarge(1.0),
    };
    Answer { head: Head::new(status, Some(json!("application/json")), retry_after, 1e12), body }
}

fuzz_target!(|data: &[u8]| {
    let mut bytes = Bytes(data.iter());
    let auth = match bytes.next() % 4 {
        0 => Auth::Token,
        1 => Auth::Callback,
        2 => Auth::Transport,
        _ => Auth::Credentials { client_id: "id".into(), client_secret: "secret".into() },
    };
    let config = Config {
        base: ApiBase::parse("https://looker.test").unwrap(),
        auth,
        timeout_ms: 10_000.0,
        retry: RetryPolicy::default(),
        max_result_bytes: 100.0,
        poll: PollSchedule::default(),
    };
    let mut client = Client::new(config, Session::with_token("t0".into()), u64::from(bytes.next()));
    let mut calls = [(Call::<Value>::new(op(bytes.next())), Event::Start), (Call::new(op(bytes.next())), Event::Start)];
    let mut done = [false, false];
    let mut now = 1e12;
    for round in 0..400 {
        let which = round % 2;
        if done[which] {
            if done[1 - which] {
                return;
            }
            continue;
        }
        let (call, event) = &mut calls[which];
        let step = call.step(&mut client, std::mem::replace(event, Event::Woke), now);
        client.session.take_settled();
        now += f64::from(bytes.next());
        *event = match step {
            Step::Send { remaining_ms, .. } => {
                assert!(!remaining_ms.is_nan());
                match bytes.next() % 10 {
                    0 => Event::NoAnswer(None),
                    4 => Event::NoAnswer(Some("https://app.test".into())),
                    1 => Event::Expired,
                    2 => Event::Token(None),
                    3 => Event::TimedOut,
                    _ => Event::Answer(answer(&mut bytes)),
                }
            }
            Step::Sleep(ms) => {
                assert!(ms.is_finite() && ms >= 0.0, "sleep {ms}");
                now += ms;
                if bytes.next() % 16 == 0 { Event::Expired } else { Event::Woke }
            }
            Step::AskToken => Event::Token(if bytes.next() % 2 == 0 { Some("tok".into()) } else { None }),
            Step::AwaitLogin | Step::Progress(_) => Event::Woke,
            Step::Done(result) => {
                if let Err(error) = result {
                    // Every failure says what the call was doing.
                    let message = error.message();
                    assert!(!message.is_empty() && !message.starts_with(':'), "{message:?}");
                }
                done[which] = true;
                Event::Woke
            }
        };
        // Now and then, an event out of turn.
        if bytes.next() == 0xFF {
            *event = Event::Answer(answer(&mut bytes));
        }
    }
    // Every call ends: a wait or render within its deadline, the rest at once.
    for (call, _) in &mut calls {
        call.cancel(&mut client);
    }
});
