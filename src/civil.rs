//! Unix time to the civil (proleptic Gregorian, UTC) calendar, for the dates CCA prints
//! (Key Record List records, CSUACFQ's build date). Howard Hinnant's `civil_from_days`.

/// A UTC date and time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Civil {
    /// Year.
    pub year: i64,
    /// Month, 1-12.
    pub month: i64,
    /// Day of the month, 1-31.
    pub day: i64,
    /// Hour, 0-23.
    pub hour: i64,
    /// Minute, 0-59.
    pub minute: i64,
    /// Second, 0-59.
    pub second: i64,
}

impl Civil {
    /// The UTC calendar time of Unix time `t` (seconds).
    pub fn from_unix(t: i64) -> Self {
        let days = t.div_euclid(86_400);
        let s = t.rem_euclid(86_400);
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        Civil {
            year: yoe + era * 400 + i64::from(month <= 2),
            month,
            day,
            hour: s / 3600,
            minute: s / 60 % 60,
            second: s % 60,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Civil;

    #[test]
    fn known_dates() {
        let c = Civil::from_unix(951_782_400);
        assert_eq!((c.year, c.month, c.day), (2000, 2, 29));
        let c = Civil::from_unix(1_795_000_000);
        assert_eq!(
            (c.year, c.month, c.day, c.hour, c.minute, c.second),
            (2026, 11, 18, 11, 6, 40)
        );
        assert_eq!(Civil::from_unix(0).year, 1970);
    }
}
