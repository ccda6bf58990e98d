//! Waiting for a render task: the poll schedule, and the wait itself as
//! state that events move (a task seen, a 429, the clock), so that the whole
//! loop is tested without clocks or a network.

/// An exponential poll schedule with jitter and a cap.
///
/// The default (the first poll 400 ms after creation, then 1.5× longer each
/// time up to a 1 s cap) was chosen by measurement against Looker's own 500 ms
/// loop: `npm run bench`, bench/README.md.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PollSchedule {
    /// The wait before the first poll, in milliseconds.
    pub first_ms: f64,
    /// How much each wait grows over the last.
    pub factor: f64,
    /// The longest wait, in milliseconds.
    pub max_ms: f64,
    /// The fraction each wait may vary by, either way (0.1 = ±10 %), so that
    /// many clients started together do not poll in lockstep.
    pub jitter: f64,
}

impl Default for PollSchedule {
    fn default() -> Self {
        Self { first_ms: 400.0, factor: 1.5, max_ms: 1_000.0, jitter: 0.1 }
    }
}

/// What to do next.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Next {
    /// Sleep this many milliseconds, then poll.
    Sleep(f64),
    /// The deadline comes first: sleep until it (this many milliseconds), then give up.
    GiveUpAfter(f64),
}

impl PollSchedule {
    /// The wait before poll number `polls + 1`, with `random` in `[0, 1)`
    /// choosing the jitter.
    pub fn delay_ms(&self, polls: u32, random: f64) -> f64 {
        // Capped before powi overflows to infinity for large `polls`.
        let base = (self.first_ms * self.factor.powi(polls.min(64) as i32)).min(self.max_ms);
        let random = if random.is_nan() { 0.5 } else { random.clamp(0.0, 1.0) };
        let spread = base * self.jitter * (2.0 * random - 1.0);
        (base + spread).max(0.0)
    }

    /// The next step after `polls` polls, honouring a `Retry-After` the server
    /// sent (milliseconds) and the `remaining_ms` before the caller's deadline.
    pub fn next(&self, polls: u32, random: f64, retry_after_ms: Option<f64>, remaining_ms: f64) -> Next {
        let mut delay = self.delay_ms(polls, random);
        if let Some(asked) = retry_after_ms.filter(|ms| ms.is_finite()) {
            delay = delay.max(asked);
        }
        if delay >= remaining_ms {
            Next::GiveUpAfter(remaining_ms.max(0.0))
        } else {
            Next::Sleep(delay)
        }
    }
}

/// Default deadline of a wait or a whole render: Looker's own render
/// timeout is in this range, and a script should not hang for ever.
pub const DEFAULT_WAIT_TIMEOUT_MS: f64 = 600_000.0;

/// How long to wait on a 202 from the results without a usable `Retry-After`.
pub const NOT_READY_DEFAULT_MS: f64 = 1_000.0;

/// One wait for a task to finish: its deadline, the polls made, and the last
/// status seen (for progress reports once per change).
#[derive(Clone, Debug, PartialEq)]
pub struct Wait {
    schedule: PollSchedule,
    started_ms: f64,
    timeout_ms: f64,
    polls: u32,
    /// `None` before any task was seen; then the last status (which may be absent).
    last_status: Option<Option<String>>,
    retry_after_ms: Option<f64>,
}

/// What a task's status means for a wait.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Done: the results can be downloaded.
    Succeeded,
    /// Done, without results.
    Failed,
    /// Not done yet.
    Pending,
}

impl Wait {
    /// A wait that started at `now_ms` and gives up after `timeout_ms`.
    pub fn new(schedule: PollSchedule, now_ms: f64, timeout_ms: f64) -> Self {
        Self { schedule, started_ms: now_ms, timeout_ms, polls: 0, last_status: None, retry_after_ms: None }
    }

    /// The wait's deadline.
    pub fn timeout_ms(&self) -> f64 {
        self.timeout_ms
    }

    /// Milliseconds left before the deadline.
    pub fn remaining_ms(&self, now_ms: f64) -> f64 {
        self.timeout_ms - (now_ms - self.started_ms)
    }

    /// Records a task with `status`: whether its status changed (the first
    /// task seen is a change), and what it means.
    pub fn saw(&mut self, status: Option<&str>) -> (bool, Outcome) {
        let changed = self.last_status.as_ref().map(Option::as_deref) != Some(status);
        if changed {
            self.last_status = Some(status.map(str::to_owned));
        }
        let outcome = match status {
            Some("success") => Outcome::Succeeded,
            Some("failure") => Outcome::Failed,
            _ => Outcome::Pending,
        };
        (changed, outcome)
    }

    /// The last status seen, for a timeout's message.
    pub fn last_status(&self) -> Option<&str> {
        self.last_status.as_ref().and_then(Option::as_deref)
    }

    /// A poll was answered 429 (after its own retries): wait at least
    /// `retry_after_ms` before the next one.
    pub fn rate_limited(&mut self, retry_after_ms: Option<f64>) {
        self.retry_after_ms = Some(retry_after_ms.unwrap_or(0.0));
    }

    /// A poll is on its way.
    pub fn polled(&mut self) {
        self.polls = self.polls.saturating_add(1);
    }

    /// Before the next poll: how long to sleep, or to give up.
    pub fn next(&mut self, now_ms: f64, random: f64) -> Next {
        self.schedule.next(self.polls, random, self.retry_after_ms.take(), self.remaining_ms(now_ms))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starts_fast_and_backs_off_to_the_cap() {
        let schedule = PollSchedule::default();
        let delays: Vec<f64> = (0..6).map(|n| schedule.delay_ms(n, 0.5)).collect();
        assert_eq!(delays, [400.0, 600.0, 900.0, 1000.0, 1000.0, 1000.0]);
        assert_eq!(schedule.delay_ms(u32::MAX, 0.5), 1000.0);
    }

    #[test]
    fn jitter_stays_within_its_bounds() {
        let schedule = PollSchedule::default();
        assert_eq!(schedule.delay_ms(0, 0.0), 360.0);
        assert!((schedule.delay_ms(0, 0.999_999) - 440.0).abs() < 0.001);
        for random in [-1.0, 2.0, f64::NAN] {
            let delay = schedule.delay_ms(10, random);
            assert!((900.0..=1100.0).contains(&delay), "{random}: {delay}");
        }
    }

    #[test]
    fn retry_after_lengthens_but_never_shortens() {
        let schedule = PollSchedule::default();
        assert_eq!(schedule.next(0, 0.5, Some(3000.0), 60_000.0), Next::Sleep(3000.0));
        assert_eq!(schedule.next(0, 0.5, Some(0.0), 60_000.0), Next::Sleep(400.0));
        assert_eq!(schedule.next(0, 0.5, Some(f64::INFINITY), 60_000.0), Next::Sleep(400.0));
    }

    #[test]
    fn the_deadline_wins() {
        let schedule = PollSchedule::default();
        assert_eq!(schedule.next(5, 0.5, None, 400.0), Next::GiveUpAfter(400.0));
        assert_eq!(schedule.next(0, 0.5, Some(5000.0), 4000.0), Next::GiveUpAfter(4000.0));
        assert_eq!(schedule.next(0, 0.5, None, -5.0), Next::GiveUpAfter(0.0));
    }

    #[test]
    fn requests_for_a_long_render_are_about_one_a_second() {
        let schedule = PollSchedule::default();
        let (mut elapsed, mut polls) = (0.0, 0);
        while elapsed < 60_000.0 {
            elapsed += schedule.delay_ms(polls, 0.5);
            polls += 1;
        }
        assert!((60..=64).contains(&polls), "{polls} polls in a minute");
    }
}

#[cfg(test)]
mod wait_tests {
    use super::*;

    #[test]
    fn progress_once_per_status_change() {
        let mut wait = Wait::new(PollSchedule::default(), 0.0, 10_000.0);
        assert_eq!(wait.saw(Some("enqueued_for_query")), (true, Outcome::Pending));
        assert_eq!(wait.saw(Some("enqueued_for_query")), (false, Outcome::Pending));
        assert_eq!(wait.saw(None), (true, Outcome::Pending));
        assert_eq!(wait.saw(Some("success")), (true, Outcome::Succeeded));
        assert_eq!(wait.saw(Some("failure")), (true, Outcome::Failed));
        assert_eq!(wait.last_status(), Some("failure"));
    }

    #[test]
    fn the_schedule_backs_off_and_a_429_waits_longer() {
        let mut wait = Wait::new(PollSchedule::default(), 0.0, 60_000.0);
        let poll = |wait: &mut Wait| {
            let next = wait.next(0.0, 0.5);
            wait.polled();
            next
        };
        assert_eq!(poll(&mut wait), Next::Sleep(400.0));
        assert_eq!(poll(&mut wait), Next::Sleep(600.0));
        wait.rate_limited(Some(5_000.0));
        assert_eq!(poll(&mut wait), Next::Sleep(5_000.0));
        assert_eq!(poll(&mut wait), Next::Sleep(1_000.0));
        wait.rate_limited(None);
        assert_eq!(poll(&mut wait), Next::Sleep(1_000.0));
    }

    #[test]
    fn the_deadline_ends_the_wait() {
        let mut wait = Wait::new(PollSchedule::default(), 1_000.0, 2_000.0);
        assert_eq!(wait.remaining_ms(2_500.0), 500.0);
        assert_eq!(wait.next(2_800.0, 0.5), Next::GiveUpAfter(200.0));
        assert_eq!(wait.next(4_000.0, 0.5), Next::GiveUpAfter(0.0));
    }
}
