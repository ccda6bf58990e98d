//! When to ask again: the poll schedule of `waitForRenderTask`, as a pure
//! function of how many polls were made, a random number and what the server
//! said, so that it is tested without clocks.

/// An exponential poll schedule with jitter and a cap.
///
/// The default, chosen by measurement (`bench/`, `npm run bench`): the first
/// poll 400 ms after creation, then 1.5× longer each time up to a 1 s cap.
/// Against renders of 0.3–1.5 s, 0.5–6 s and 1–30 s it notices the end
/// 430–505 ms later on average, with 0.8×, 0.68× and 0.55× the requests of
/// Looker's own 500 ms loop. Starting at 250 ms noticed short renders 70 ms
/// sooner for 10–15 % more requests; caps above 1 s save few requests and
/// cost a longer wait on every long render.
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
