//! Waiting for a render task: the poll schedule, what renders of the same
//! target took before ([`Learned`]), and the wait itself as state that
//! events move (a task seen, a 429, the clock), so that the whole loop is
//! tested without clocks or a network.

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

/// How many render times [`Learned`] keeps per target.
const TIMES_KEPT: usize = 8;

/// How many targets [`Learned`] keeps (the least recently rendered go first).
const TARGETS_KEPT: usize = 32;

/// The wait between polls once a render is expected to finish, in ms: a
/// finish is then seen about a quarter of a second late on average.
pub const EXPECTED_POLL_MS: f64 = 500.0;

/// Renders of one target (the same kind, id, format and size) take about
/// as long each time: the times a client saw, per target, so that a wait for
/// the next one polls near its expected finish rather than all along.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Learned {
    targets: Vec<Target>,
    /// Counts records, to find the least recently rendered target.
    clock: u64,
}

/// One target's last render times (ms from creation to success), a ring.
#[derive(Clone, Debug, PartialEq)]
struct Target {
    key: String,
    times: [f64; TIMES_KEPT],
    /// How many of `times` are set, and where the next goes.
    count: usize,
    next: usize,
    /// When it was last recorded (`Learned::clock`).
    used: u64,
}

/// What the renders of a target took: the shortest and longest of the last few.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Expected {
    /// The shortest, in ms.
    pub shortest_ms: f64,
    /// The longest, in ms.
    pub longest_ms: f64,
}

impl Learned {
    /// What renders of `target` took, if any finished before.
    pub fn expect(&self, target: &str) -> Option<Expected> {
        let known = self.targets.iter().find(|known| known.key == target)?;
        let times = known.times.get(..known.count)?;
        let (mut shortest_ms, mut longest_ms) = (f64::INFINITY, 0.0f64);
        for &took_ms in times {
            shortest_ms = shortest_ms.min(took_ms);
            longest_ms = longest_ms.max(took_ms);
        }
        shortest_ms.is_finite().then_some(Expected { shortest_ms, longest_ms })
    }

    /// A render of `target` took `took_ms`.
    pub fn record(&mut self, target: String, took_ms: f64) {
        if !took_ms.is_finite() || took_ms < 0.0 {
            return;
        }
        self.clock += 1;
        let at = match self.targets.iter().position(|known| known.key == target) {
            Some(at) => at,
            None => {
                let fresh = Target { key: target, times: [0.0; TIMES_KEPT], count: 0, next: 0, used: 0 };
                if self.targets.len() < TARGETS_KEPT {
                    self.targets.push(fresh);
                    self.targets.len() - 1
                } else {
                    // The least recently rendered target makes room.
                    let mut oldest = (0, u64::MAX);
                    for (at, known) in self.targets.iter().enumerate() {
                        if known.used < oldest.1 {
                            oldest = (at, known.used);
                        }
                    }
                    let oldest = oldest.0;
                    self.targets[oldest] = fresh;
                    oldest
                }
            }
        };
        if let Some(known) = self.targets.get_mut(at) {
            known.times[known.next % TIMES_KEPT] = took_ms;
            known.next = (known.next + 1) % TIMES_KEPT;
            known.count = (known.count + 1).min(TIMES_KEPT);
            known.used = self.clock;
        }
    }
}

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
    /// What earlier renders of its target took, for a render.
    expected: Option<Expected>,
    /// When the task was created (ms since the epoch), last seen not
    /// finished, and seen finished.
    created_ms: f64,
    pending_ms: f64,
    finished_ms: f64,
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
        Self {
            schedule,
            started_ms: now_ms,
            timeout_ms,
            polls: 0,
            last_status: None,
            retry_after_ms: None,
            expected: None,
            created_ms: now_ms,
            pending_ms: now_ms,
            finished_ms: f64::NAN,
        }
    }

    /// The task was created at `now_ms`; renders of its target took about
    /// `expected` before, if any were seen.
    pub fn created(&mut self, now_ms: f64, expected: Option<Expected>) {
        self.created_ms = now_ms;
        self.pending_ms = now_ms;
        self.expected = expected;
    }

    /// How long the render took, once it succeeded: from its creation to the
    /// middle of the last two polls (the finish lies between them). A render
    /// already done at its first poll is counted as taking until that poll:
    /// the middle would halve it, and the next renders would be polled far
    /// too early; a render that is really quicker shows itself as the first
    /// polls come a little earlier each time.
    pub fn took_ms(&self) -> f64 {
        let seen_pending = self.pending_ms > self.created_ms;
        let finished_after = if seen_pending { (self.pending_ms + self.finished_ms) / 2.0 } else { self.finished_ms };
        finished_after - self.created_ms
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
    pub fn saw(&mut self, status: Option<&str>, now_ms: f64) -> (bool, Outcome) {
        let changed = self.last_status.as_ref().map(Option::as_deref) != Some(status);
        if changed {
            self.last_status = Some(status.map(str::to_owned));
        }
        let outcome = match status {
            Some("success") => Outcome::Succeeded,
            Some("failure") => Outcome::Failed,
            _ => Outcome::Pending,
        };
        match outcome {
            Outcome::Pending => self.pending_ms = now_ms,
            _ => self.finished_ms = now_ms,
        }
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

    /// Before the next poll: how long to sleep, or to give up. A render
    /// whose target finished before is first polled a little before the
    /// quickest of those finishes, then every [`EXPECTED_POLL_MS`] until
    /// a while after the slowest; past that, or with nothing learned, on the
    /// schedule.
    pub fn next(&mut self, now_ms: f64, random: f64) -> Next {
        let remaining_ms = self.remaining_ms(now_ms);
        let retry_after_ms = self.retry_after_ms.take();
        let expected = self.expected.and_then(|expected| {
            let since = now_ms - self.created_ms;
            let polled = self.polls > 0;
            match (polled, expected) {
                (false, _) => Some((expected.shortest_ms * 0.95 - since).max(self.schedule.first_ms)),
                (true, Expected { longest_ms, .. }) if since < longest_ms * 1.25 + 1_000.0 => {
                    let random = if random.is_nan() { 0.5 } else { random.clamp(0.0, 1.0) };
                    Some(EXPECTED_POLL_MS * (1.0 + self.schedule.jitter * (2.0 * random - 1.0)))
                }
                _ => None,
            }
        });
        match expected {
            Some(delay) => PollSchedule { first_ms: delay, factor: 1.0, max_ms: delay, jitter: 0.0 }.next(
                0,
                random,
                retry_after_ms,
                remaining_ms,
            ),
            None => self.schedule.next(self.polls, random, retry_after_ms, remaining_ms),
        }
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
        assert_eq!(wait.saw(Some("enqueued_for_query"), 0.0), (true, Outcome::Pending));
        assert_eq!(wait.saw(Some("enqueued_for_query"), 0.0), (false, Outcome::Pending));
        assert_eq!(wait.saw(None, 0.0), (true, Outcome::Pending));
        assert_eq!(wait.saw(Some("success"), 0.0), (true, Outcome::Succeeded));
        assert_eq!(wait.saw(Some("failure"), 0.0), (true, Outcome::Failed));
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
    fn learned_times_are_kept_per_target_and_bounded() {
        let mut learned = Learned::default();
        assert_eq!(learned.expect("look/7"), None);
        for took in [4_000.0, 3_500.0, 4_600.0] {
            learned.record("look/7".into(), took);
        }
        learned.record("look/7".into(), f64::NAN);
        assert_eq!(learned.expect("look/7"), Some(Expected { shortest_ms: 3_500.0, longest_ms: 4_600.0 }));
        for n in 0..10 {
            learned.record("look/7".into(), 5_000.0 + f64::from(n));
        }
        assert_eq!(learned.expect("look/7").unwrap().shortest_ms, 5_002.0);
        for n in 0..40 {
            learned.record(n.to_string(), 1.0);
        }
        assert_eq!(learned.expect("look/7"), None);
        assert!(learned.targets.len() <= TARGETS_KEPT);
    }

    #[test]
    fn an_expected_render_is_polled_near_its_finish() {
        let mut wait = Wait::new(PollSchedule { jitter: 0.0, ..PollSchedule::default() }, 0.0, 60_000.0);
        wait.created(100.0, Some(Expected { shortest_ms: 4_000.0, longest_ms: 5_000.0 }));
        // First poll a little before the quickest finish seen.
        assert_eq!(wait.next(100.0, 0.5), Next::Sleep(3_800.0));
        wait.polled();
        wait.saw(Some("rendering"), 3_900.0);
        // Then every half second until a while after the slowest.
        assert_eq!(wait.next(3_900.0, 0.5), Next::Sleep(EXPECTED_POLL_MS));
        wait.polled();
        assert_eq!(wait.next(7_000.0, 0.5), Next::Sleep(EXPECTED_POLL_MS));
        wait.polled();
        // Late: back to the schedule.
        assert_eq!(wait.next(7_400.0, 0.5), Next::Sleep(1_000.0));
        wait.saw(Some("success"), 4_500.0);
        assert_eq!(wait.took_ms(), 4_100.0);
        // Done at the first poll: it took at most until then, not half of it.
        let mut quick = Wait::new(PollSchedule::default(), 0.0, 60_000.0);
        quick.created(100.0, Some(Expected { shortest_ms: 4_000.0, longest_ms: 5_000.0 }));
        quick.saw(Some("enqueued_for_query"), 100.0);
        quick.saw(Some("success"), 3_900.0);
        assert_eq!(quick.took_ms(), 3_800.0);
    }

    #[test]
    fn the_deadline_ends_the_wait() {
        let mut wait = Wait::new(PollSchedule::default(), 1_000.0, 2_000.0);
        assert_eq!(wait.remaining_ms(2_500.0), 500.0);
        assert_eq!(wait.next(2_800.0, 0.5), Next::GiveUpAfter(200.0));
        assert_eq!(wait.next(4_000.0, 0.5), Next::GiveUpAfter(0.0));
    }
}
