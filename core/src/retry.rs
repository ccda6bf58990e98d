//! When to repeat a failed request: by idempotency, so that reads survive a
//! busy or flaky server while a create is never sent twice.

/// What a request does, as far as repeating it goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Idempotency {
    /// A read (`GET` a task or its results): safe to repeat.
    Read,
    /// Creates a render task: a repeat after the server may have taken it
    /// would start a second render.
    Create,
    /// Logs in or out: repeating is harmless, but only worth it when the
    /// server says it is busy.
    Session,
}

/// How one attempt ended.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Attempt {
    /// An answer with this status, and the delay its `Retry-After` asks for.
    Status(u16, Option<f64>),
    /// No answer, or one cut off: refused, reset, DNS.
    Network,
}

/// The decision after a failed attempt.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Decision {
    /// Sleep this many milliseconds, then try again.
    RetryAfter(f64),
    /// Give the failure to the caller.
    GiveUp,
}

/// How patient a client is with a failing server.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RetryPolicy {
    /// How many times a request is repeated at most (the `maxRetries` option).
    pub max_retries: u32,
    /// The first backoff, in milliseconds; it doubles with each retry.
    pub base_ms: f64,
    /// The longest backoff, in milliseconds.
    pub max_backoff_ms: f64,
    /// The longest `Retry-After` honoured; a server asking for more is
    /// answered with its error at once rather than an hour's silence.
    pub max_retry_after_ms: f64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self { max_retries: 3, base_ms: 250.0, max_backoff_ms: 8_000.0, max_retry_after_ms: 60_000.0 }
    }
}

impl RetryPolicy {
    /// Whether `attempt` of a request of kind `kind` may be repeated at all.
    pub fn is_retryable(kind: Idempotency, attempt: Attempt) -> bool {
        match (kind, attempt) {
            // The server refused it without taking it: always safe.
            (_, Attempt::Status(429, _)) => true,
            (Idempotency::Read, Attempt::Status(502 | 503 | 504, _) | Attempt::Network) => true,
            (Idempotency::Session, Attempt::Status(503, _)) => true,
            _ => false,
        }
    }

    /// What to do after failed attempt number `retries + 1`, with `random` in
    /// `[0, 1)` for jitter and `remaining_ms` before the call's deadline.
    pub fn decide(
        &self,
        kind: Idempotency,
        attempt: Attempt,
        retries: u32,
        random: f64,
        remaining_ms: f64,
    ) -> Decision {
        if retries >= self.max_retries || !Self::is_retryable(kind, attempt) {
            return Decision::GiveUp;
        }
        let asked = match attempt {
            Attempt::Status(_, Some(ms)) if ms.is_finite() && ms >= 0.0 => Some(ms),
            _ => None,
        };
        let delay = match asked {
            Some(ms) if ms > self.max_retry_after_ms => return Decision::GiveUp,
            Some(ms) => ms,
            None => {
                // Exponential, with "equal jitter": half fixed, half random.
                let random = if random.is_nan() { 0.5 } else { random.clamp(0.0, 1.0) };
                let backoff = (self.base_ms * 2f64.powi(retries.min(30) as i32)).min(self.max_backoff_ms);
                backoff / 2.0 + backoff / 2.0 * random
            }
        };
        if delay >= remaining_ms {
            Decision::GiveUp
        } else {
            Decision::RetryAfter(delay)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Attempt::*;
    use Idempotency::*;

    const HOUR: f64 = 3_600_000.0;

    #[test]
    fn reads_retry_busy_and_broken_servers_and_the_network() {
        for attempt in [Status(429, None), Status(502, None), Status(503, None), Status(504, None), Network] {
            assert!(RetryPolicy::is_retryable(Read, attempt), "{attempt:?}");
        }
        for attempt in [
            Status(400, None),
            Status(401, None),
            Status(404, None),
            Status(422, None),
            Status(500, None),
            Status(501, None),
        ] {
            assert!(!RetryPolicy::is_retryable(Read, attempt), "{attempt:?}");
        }
    }

    #[test]
    fn creates_retry_only_what_the_server_did_not_take() {
        assert!(RetryPolicy::is_retryable(Create, Status(429, None)));
        for attempt in [Status(500, None), Status(502, None), Status(503, None), Status(504, None), Network] {
            assert!(!RetryPolicy::is_retryable(Create, attempt), "{attempt:?} could start a second render");
        }
    }

    #[test]
    fn sessions_retry_429_and_503() {
        assert!(RetryPolicy::is_retryable(Session, Status(429, None)));
        assert!(RetryPolicy::is_retryable(Session, Status(503, None)));
        assert!(!RetryPolicy::is_retryable(Session, Status(502, None)));
        assert!(!RetryPolicy::is_retryable(Session, Network));
    }

    #[test]
    fn backoff_doubles_with_jitter_up_to_the_cap() {
        let policy = RetryPolicy { max_retries: 10, ..RetryPolicy::default() };
        let delay = |retries, random| match policy.decide(Read, Network, retries, random, HOUR) {
            Decision::RetryAfter(ms) => ms,
            Decision::GiveUp => panic!("gave up"),
        };
        assert_eq!([delay(0, 0.0), delay(0, 1.0)], [125.0, 250.0]);
        assert_eq!([delay(1, 0.0), delay(1, 1.0)], [250.0, 500.0]);
        assert_eq!([delay(9, 0.0), delay(9, 1.0)], [4000.0, 8000.0]);
        assert_eq!(delay(2, f64::NAN), 750.0);
    }

    #[test]
    fn retry_after_is_honoured_up_to_a_cap() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.decide(Create, Status(429, Some(2000.0)), 0, 0.5, HOUR), Decision::RetryAfter(2000.0));
        assert_eq!(policy.decide(Read, Status(503, Some(0.0)), 0, 0.5, HOUR), Decision::RetryAfter(0.0));
        assert_eq!(policy.decide(Read, Status(429, Some(120_000.0)), 0, 0.5, HOUR), Decision::GiveUp);
        assert_eq!(policy.decide(Read, Status(429, Some(f64::NAN)), 0, 0.0, HOUR), Decision::RetryAfter(125.0));
    }

    #[test]
    fn bounded_by_max_retries_and_the_deadline() {
        let policy = RetryPolicy { max_retries: 2, ..RetryPolicy::default() };
        assert!(matches!(policy.decide(Read, Network, 1, 0.5, HOUR), Decision::RetryAfter(_)));
        assert_eq!(policy.decide(Read, Network, 2, 0.5, HOUR), Decision::GiveUp);
        assert_eq!(policy.decide(Read, Status(429, Some(5000.0)), 0, 0.5, 4000.0), Decision::GiveUp);
        let never = RetryPolicy { max_retries: 0, ..RetryPolicy::default() };
        assert_eq!(never.decide(Read, Status(503, None), 0, 0.5, HOUR), Decision::GiveUp);
    }
}
