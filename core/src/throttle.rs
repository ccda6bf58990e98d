//! What the calls of one client share about a struggling server, so that
//! many calls at once (a batch) treat it as one polite client would:
//!
//! - **Shared backoff.** A 429 or 503 on any request pauses every request of
//!   the client (creates, polls, downloads, logins) for the `Retry-After`, or
//!   a backoff that doubles with each pause in a row. When the pause ends, one
//!   request goes first as a probe; the others wait for its answer, so that a
//!   server coming back meets one request, not a herd.
//! - **A retry budget**, as gRPC's retry throttling and the AWS SDKs' retry
//!   quota: each failed attempt costs a token, each other answer earns back a
//!   tenth of one, and requests are repeated only while more than half the
//!   tokens are left. A server that fails everything then sees about as many
//!   requests as it would if nothing were retried, plus a handful.

/// The most tokens the retry budget holds (gRPC's default).
pub const MAX_TOKENS: f64 = 10.0;

/// What an answer that is not a failure earns back (gRPC's default).
pub const TOKEN_RATIO: f64 = 0.1;

/// The first pause when the server names none, in ms; it doubles with each
/// pause in a row.
pub const FIRST_PAUSE_MS: f64 = 1_000.0;

/// The longest pause the client takes when the server names none, in ms.
pub const MAX_PAUSE_MS: f64 = 30_000.0;

/// How often a request waiting for a probe's answer looks again, in ms.
pub const PROBE_WAIT_MS: f64 = 100.0;

/// The shared state: a pause, a probe, a budget.
#[derive(Clone, Debug, PartialEq)]
pub struct Throttle {
    /// No request is sent before this (ms since the epoch).
    paused_until_ms: f64,
    /// Pauses in a row without an answer in between that ended one.
    pauses: u32,
    /// A request sent after the pause has not been answered yet.
    probing: bool,
    /// Retry tokens, from 0 to [`MAX_TOKENS`].
    tokens: f64,
}

impl Default for Throttle {
    fn default() -> Self {
        Self { paused_until_ms: 0.0, pauses: 0, probing: false, tokens: MAX_TOKENS }
    }
}

/// Whether a request may be sent now.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Gate {
    /// Send it.
    Open,
    /// Send it: it is the probe after a pause, and must report its answer
    /// ([`Throttle::answered`]) or its end ([`Throttle::probe_abandoned`]).
    Probe,
    /// Sleep this many ms, then ask again.
    Wait(f64),
}

/// How an attempt went, as far as the server's health goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Health {
    /// The server asks the client to slow down (429) or is unavailable (503).
    Busy,
    /// Another failure worth a retry: 502, 504, or no answer.
    Failing,
    /// Any other answer: the server is working (even a 404 is an answer).
    Working,
}

impl Health {
    /// The health an answer with `status` shows; `None` for no answer.
    pub fn of(status: Option<u16>) -> Self {
        match status {
            Some(429 | 503) => Self::Busy,
            Some(502 | 504) | None => Self::Failing,
            Some(_) => Self::Working,
        }
    }
}

impl Throttle {
    /// Whether a request may go now.
    pub fn gate(&mut self, now_ms: f64) -> Gate {
        if now_ms < self.paused_until_ms {
            return Gate::Wait(self.paused_until_ms - now_ms);
        }
        if self.pauses == 0 {
            return Gate::Open;
        }
        if self.probing {
            return Gate::Wait(PROBE_WAIT_MS);
        }
        self.probing = true;
        Gate::Probe
    }

    /// An answer (or none) came, at `now_ms`, with the delay its
    /// `Retry-After` asks for; `random` in `[0, 1)` jitters a pause.
    pub fn answered(&mut self, health: Health, retry_after_ms: Option<f64>, now_ms: f64, random: f64) {
        match health {
            Health::Working => {
                self.tokens = (self.tokens + TOKEN_RATIO).min(MAX_TOKENS);
                self.pauses = 0;
                self.probing = false;
            }
            Health::Failing => {
                self.tokens = (self.tokens - 1.0).max(0.0);
                // No pause, but a probe that failed lets the next one go.
                self.probing = false;
            }
            Health::Busy => {
                self.tokens = (self.tokens - 1.0).max(0.0);
                self.probing = false;
                let backoff = (FIRST_PAUSE_MS * 2f64.powi(self.pauses.min(16) as i32)).min(MAX_PAUSE_MS);
                let random = if random.is_nan() { 0.5 } else { random.clamp(0.0, 1.0) };
                let pause = match retry_after_ms.filter(|ms| ms.is_finite() && *ms >= 0.0) {
                    Some(asked) => asked,
                    // Half fixed, half random, so that clients do not come back together.
                    None => backoff / 2.0 + backoff / 2.0 * random,
                };
                self.pauses = self.pauses.saturating_add(1);
                self.paused_until_ms = self.paused_until_ms.max(now_ms + pause);
            }
        }
    }

    /// The probe was abandoned (its call aborted or timed out): another
    /// request may probe.
    pub fn probe_abandoned(&mut self) {
        self.probing = false;
    }

    /// Whether the budget allows one more retry.
    pub fn may_retry(&self) -> bool {
        self.tokens > MAX_TOKENS / 2.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_busy_answer_pauses_everyone_then_one_probe_goes_first() {
        let mut throttle = Throttle::default();
        assert_eq!(throttle.gate(0.0), Gate::Open);
        throttle.answered(Health::Busy, Some(2_000.0), 100.0, 0.5);
        assert_eq!(throttle.gate(100.0), Gate::Wait(2_000.0));
        assert_eq!(throttle.gate(1_100.0), Gate::Wait(1_000.0));
        // The pause is over: one probe; the rest wait for its answer.
        assert_eq!(throttle.gate(2_100.0), Gate::Probe);
        assert_eq!(throttle.gate(2_100.0), Gate::Wait(PROBE_WAIT_MS));
        throttle.answered(Health::Working, None, 2_150.0, 0.5);
        assert_eq!(throttle.gate(2_150.0), Gate::Open);
    }

    #[test]
    fn pauses_without_retry_after_double_up_to_the_cap() {
        let mut throttle = Throttle::default();
        let mut pauses = Vec::new();
        let mut now = 0.0;
        for _ in 0..8 {
            throttle.answered(Health::Busy, None, now, 1.0);
            let Gate::Wait(ms) = throttle.gate(now) else { panic!() };
            pauses.push(ms);
            now += ms;
            assert_eq!(throttle.gate(now), Gate::Probe);
        }
        assert_eq!(pauses, [1_000.0, 2_000.0, 4_000.0, 8_000.0, 16_000.0, 30_000.0, 30_000.0, 30_000.0]);
        // With random 0, half of it.
        let mut throttle = Throttle::default();
        throttle.answered(Health::Busy, None, 0.0, 0.0);
        assert_eq!(throttle.gate(0.0), Gate::Wait(500.0));
    }

    #[test]
    fn an_abandoned_probe_lets_another_go() {
        let mut throttle = Throttle::default();
        throttle.answered(Health::Busy, Some(0.0), 0.0, 0.5);
        assert_eq!(throttle.gate(1.0), Gate::Probe);
        throttle.probe_abandoned();
        assert_eq!(throttle.gate(1.0), Gate::Probe);
    }

    #[test]
    fn the_budget_allows_few_retries_against_a_server_that_fails_everything() {
        let mut throttle = Throttle::default();
        let mut retries = 0;
        for _ in 0..1_000 {
            throttle.answered(Health::Failing, None, 0.0, 0.5);
            if throttle.may_retry() {
                retries += 1;
            }
        }
        assert_eq!(retries, 4);
        // It earns its way back: ten answers that work earn one token.
        for _ in 0..60 {
            throttle.answered(Health::Working, None, 0.0, 0.5);
        }
        assert!(throttle.may_retry());
        let mut throttle = Throttle::default();
        for _ in 0..100 {
            throttle.answered(Health::Working, None, 0.0, 0.5);
        }
        assert_eq!(throttle.tokens, MAX_TOKENS);
    }

    #[test]
    fn statuses_and_health() {
        assert_eq!(Health::of(Some(429)), Health::Busy);
        assert_eq!(Health::of(Some(503)), Health::Busy);
        assert_eq!(Health::of(Some(502)), Health::Failing);
        assert_eq!(Health::of(None), Health::Failing);
        assert_eq!(Health::of(Some(500)), Health::Working);
        assert_eq!(Health::of(Some(404)), Health::Working);
        assert_eq!(Health::of(Some(200)), Health::Working);
    }
}
