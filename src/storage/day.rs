//! Calendar days in UTC: the only unit of time calcibot stores. A day is coarse on purpose:
//! counts need no more, and a coarse time says less about the person behind a record.

use std::time::{SystemTime, UNIX_EPOCH};

/// A day, as the number of days since 1970-01-01 (UTC). Both databases store it as an integer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(i64);

impl Day {
    /// Today in UTC.
    pub fn today() -> Day {
        let seconds = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        Day::from_unix_seconds(seconds)
    }

    pub fn from_unix_seconds(seconds: i64) -> Day {
        Day(seconds.div_euclid(86_400))
    }

    /// The day numbered `n` days after 1970-01-01.
    pub fn from_number(n: i64) -> Day {
        Day(n)
    }

    pub fn number(self) -> i64 {
        self.0
    }

    pub fn minus(self, days: u32) -> Day {
        Day(self.0 - i64::from(days))
    }

    pub fn plus(self, days: u32) -> Day {
        Day(self.0 + i64::from(days))
    }

    /// The day as (year, month, day), by Howard Hinnant's `civil_from_days`.
    pub fn ymd(self) -> (i64, u32, u32) {
        let z = self.0 + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = yoe + era * 400 + i64::from(month <= 2);
        (year, month, day)
    }
}

/// `YYYY-MM-DD`.
impl std::fmt::Display for Day {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

impl serde::Serialize for Day {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_calendar_dates() {
        assert_eq!(Day::from_number(0).to_string(), "1970-01-01");
        assert_eq!(
            Day::from_unix_seconds(951_782_400).to_string(),
            "2000-02-29"
        );
        assert_eq!(
            Day::from_unix_seconds(1_767_225_599).to_string(),
            "2025-12-31"
        );
        assert_eq!(
            Day::from_unix_seconds(1_767_225_600).to_string(),
            "2026-01-01"
        );
        assert_eq!(Day::from_unix_seconds(-1).to_string(), "1969-12-31");
    }
}
