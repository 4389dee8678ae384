//! A per-user cooldown, so one person cannot make the bot fill a channel.
//!
//! Each answer delivered starts a user's cooldown. A message inside it earns at most one short notice
//! (the caller decides whether to send it or stay silent) and then silence until the cooldown
//! ends: never a pile of replies. Only user ids and instants are kept, and entries whose
//! cooldown has passed are dropped as the map grows, so memory stays bounded by the number of
//! people active in one cooldown period.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Past this many users, expired entries are swept before adding another.
const SWEEP_AT: usize = 1_024;

/// What to do with a message from a user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Answer it. The user's slot is taken until the reply is delivered (`delivered`, which
    /// starts the cooldown from then) or lost (`release`), so two messages sent at once do
    /// not both get answers.
    Go,
    /// The user is cooling down and has not been told yet: say so once, briefly.
    Notice { wait: Duration },
    /// The user is cooling down and was already told: say nothing.
    Quiet,
}

/// Whose cooldown: (server, user), with server 0 for direct messages. A server lives on one
/// shard, so a process that runs some shards holds every key it will be asked about.
pub type Key = (u64, u64);

#[derive(Debug)]
pub struct Cooldown {
    /// The operator's period, for servers that chose none (and direct messages).
    period: Duration,
    users: Mutex<HashMap<Key, Slot>>,
}

#[derive(Debug, Clone, Copy)]
struct Slot {
    until: Instant,
    warned: bool,
}

impl Cooldown {
    /// A cooldown of `period`; zero lets every message through.
    pub fn new(period: Duration) -> Cooldown {
        Cooldown {
            period,
            users: Mutex::new(HashMap::new()),
        }
    }

    pub fn period(&self) -> Duration {
        self.period
    }

    /// Whether `user` may have an answer at `now`, with the operator's period.
    pub fn check(&self, user: u64, now: Instant) -> Verdict {
        self.check_in((0, user), self.period, now)
    }

    /// Whether `key` may have an answer at `now`, with a cooldown of `period` (the server's);
    /// `Go` takes their slot.
    pub fn check_in(&self, key: Key, period: Duration, now: Instant) -> Verdict {
        let user = key;
        if period.is_zero() {
            return Verdict::Go;
        }
        // A poisoned lock only means another task panicked mid-update of a plain map; the map
        // is still usable, and a cooldown is no reason to stop answering.
        let mut users = self.users.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(slot) = users.get_mut(&user) {
            if now < slot.until {
                if slot.warned {
                    return Verdict::Quiet;
                }
                slot.warned = true;
                return Verdict::Notice {
                    wait: slot.until - now,
                };
            }
        }
        if users.len() >= SWEEP_AT {
            users.retain(|_, slot| now < slot.until);
        }
        users.insert(
            user,
            Slot {
                until: now + period,
                warned: false,
            },
        );
        Verdict::Go
    }

    /// `user`'s reply was delivered at `at`: their cooldown runs from then. Also for replies
    /// that bypass the check (urgent advice is never held back) but still count.
    pub fn delivered(&self, user: u64, at: Instant) {
        self.delivered_in((0, user), self.period, at);
    }

    /// `key`'s reply was delivered at `at`, with a cooldown of `period`.
    pub fn delivered_in(&self, user: Key, period: Duration, at: Instant) {
        if period.is_zero() {
            return;
        }
        let mut users = self.users.lock().unwrap_or_else(|e| e.into_inner());
        let until = at + period;
        // A notice may already have gone out while the reply was on its way: keep the record
        // of it, so that the user is not told twice.
        users
            .entry(user)
            .and_modify(|slot| {
                if slot.until <= at {
                    // A slot from an earlier cooldown: its notice was for that one.
                    slot.warned = false;
                }
                slot.until = until;
            })
            .or_insert(Slot {
                until,
                warned: false,
            });
    }

    /// `user`'s reply was lost (every try to send it failed): the slot `check` took is given
    /// back, so asking again is answered rather than told to wait.
    pub fn release(&self, user: u64) {
        self.release_in((0, user));
    }

    pub fn release_in(&self, user: Key) {
        let mut users = self.users.lock().unwrap_or_else(|e| e.into_inner());
        users.remove(&user);
    }

    /// How long `user` still waits at `now` (zero when they may ask).
    pub fn remaining(&self, user: u64, now: Instant) -> Duration {
        self.remaining_in((0, user), now)
    }

    pub fn remaining_in(&self, user: Key, now: Instant) -> Duration {
        let users = self.users.lock().unwrap_or_else(|e| e.into_inner());
        users.get(&user).map_or(Duration::ZERO, |slot| {
            slot.until.saturating_duration_since(now)
        })
    }

    /// How many users are remembered (for tests of the sweep).
    pub fn len(&self) -> usize {
        self.users.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_answer_one_notice_then_silence() {
        let cd = Cooldown::new(Duration::from_secs(10));
        let t = Instant::now();
        assert_eq!(cd.check(1, t), Verdict::Go);
        assert_eq!(
            cd.check(1, t + Duration::from_secs(4)),
            Verdict::Notice {
                wait: Duration::from_secs(6)
            }
        );
        assert_eq!(cd.check(1, t + Duration::from_secs(5)), Verdict::Quiet);
        assert_eq!(cd.check(1, t + Duration::from_secs(9)), Verdict::Quiet);
        // Others are not held up by user 1.
        assert_eq!(cd.check(2, t + Duration::from_secs(5)), Verdict::Go);
        // And after the period, user 1 is answered again.
        assert_eq!(cd.check(1, t + Duration::from_secs(10)), Verdict::Go);
        assert!(matches!(
            cd.check(1, t + Duration::from_secs(11)),
            Verdict::Notice { .. }
        ));
    }

    #[test]
    fn zero_period_lets_everything_through() {
        let cd = Cooldown::new(Duration::ZERO);
        let t = Instant::now();
        for _ in 0..5 {
            assert_eq!(cd.check(1, t), Verdict::Go);
        }
        assert!(cd.is_empty());
    }

    #[test]
    fn the_cooldown_runs_from_delivery_and_a_lost_reply_gives_it_back() {
        let cd = Cooldown::new(Duration::from_secs(10));
        let t = Instant::now();
        cd.delivered(7, t);
        assert!(matches!(cd.check(7, t), Verdict::Notice { .. }));

        assert_eq!(cd.check(8, t), Verdict::Go);
        // Delivered 3 s later: the wait counts from then.
        cd.delivered(8, t + Duration::from_secs(3));
        assert_eq!(
            cd.remaining(8, t + Duration::from_secs(4)),
            Duration::from_secs(9)
        );

        assert_eq!(cd.check(9, t), Verdict::Go);
        cd.release(9);
        assert_eq!(cd.check(9, t), Verdict::Go);
    }

    #[test]
    fn expired_users_are_swept() {
        let cd = Cooldown::new(Duration::from_secs(1));
        let t = Instant::now();
        for user in 0..SWEEP_AT as u64 {
            cd.check(user, t);
        }
        assert_eq!(cd.len(), SWEEP_AT);
        cd.check(u64::MAX, t + Duration::from_secs(2));
        assert_eq!(cd.len(), 1);
    }
}
