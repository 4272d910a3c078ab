//! [`Timestamp`]: a `format: date-time` field, an instant Wix sends as an RFC 3339 string
//! (`"2024-01-30T12:34:56.789Z"`).
//!
//! Parsing is `time`'s RFC 3339 parser (already in the dependency graph through `jsonwebtoken`);
//! formatting writes Wix's own form: UTC, `Z`, milliseconds (more digits only when the instant
//! has them), so a value Wix sent is sent back as it came.

use std::fmt;
use std::str::FromStr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// An instant, as Wix's `date-time` fields carry it. Ordered, hashable, exact to the
/// nanosecond; an offset other than `Z` is read and normalised to UTC.
///
/// ```
/// use wix_rest_runtime::Timestamp;
///
/// let t: Timestamp = "2024-01-30T12:34:56.789Z".parse().unwrap();
/// assert_eq!(t.unix_seconds(), 1_706_618_096);
/// assert_eq!(t.to_string(), "2024-01-30T12:34:56.789Z");
/// assert!("30/01/2024".parse::<Timestamp>().is_err());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(OffsetDateTime);

/// A string that is not an RFC 3339 date-time, or an instant out of range.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct TimestampError(String);

/// The longest piece of a rejected value quoted in an error (server data may be huge).
const MAX_QUOTED: usize = 64;

impl Timestamp {
    /// The instant `seconds` + `nanos` after 1970-01-01T00:00:00Z (`seconds` may be negative);
    /// an error past the years 1 to 9999 or for `nanos` of a second or more.
    pub fn from_unix(seconds: i64, nanos: u32) -> Result<Timestamp, TimestampError> {
        if nanos >= 1_000_000_000 {
            return Err(TimestampError(format!(
                "{nanos} nanoseconds is not a fraction of a second"
            )));
        }
        let at = OffsetDateTime::from_unix_timestamp(seconds)
            .ok()
            .and_then(|at| at.checked_add(time::Duration::nanoseconds(i64::from(nanos))))
            .filter(|at| at.year() >= 1)
            .ok_or_else(|| {
                TimestampError(format!(
                    "{seconds} s after 1970 is outside the years 1 to 9999"
                ))
            })?;
        Ok(Timestamp(at))
    }

    /// Now, from the system clock.
    pub fn now() -> Timestamp {
        Timestamp(OffsetDateTime::now_utc())
    }

    /// Whole seconds since 1970-01-01T00:00:00Z (negative before it).
    pub fn unix_seconds(&self) -> i64 {
        self.0.unix_timestamp()
    }

    /// The nanoseconds past [`Self::unix_seconds`] (0 to 999,999,999).
    pub fn subsec_nanos(&self) -> u32 {
        self.0.nanosecond()
    }

    /// The instant as a [`SystemTime`]; `None` where the platform's clock cannot represent it.
    pub fn system_time(&self) -> Option<SystemTime> {
        let seconds = Duration::from_secs(self.unix_seconds().unsigned_abs());
        let at = if self.unix_seconds() >= 0 {
            UNIX_EPOCH.checked_add(seconds)
        } else {
            UNIX_EPOCH.checked_sub(seconds)
        };
        at?.checked_add(Duration::from_nanos(u64::from(self.subsec_nanos())))
    }

    /// Reads an RFC 3339 date-time (`2024-01-30T12:34:56.789Z`, `2024-01-30T14:34:56+02:00`).
    pub fn parse(text: &str) -> Result<Timestamp, TimestampError> {
        let parsed = OffsetDateTime::parse(text, &Rfc3339).map_err(|e| {
            let quoted: String = text.chars().take(MAX_QUOTED).collect();
            let cut = if quoted.len() < text.len() { "..." } else { "" };
            TimestampError(format!(
                "`{quoted}{cut}` is not an RFC 3339 date-time such as `2024-01-30T12:34:56.789Z`: {e}"
            ))
        })?;
        // An offset can carry a valid date past the years 1 to 9999 in UTC
        // (`9999-12-31T23:59:59-01:00` is in the year 10000): checked, never a panic.
        let quoted: String = text.chars().take(MAX_QUOTED).collect();
        match parsed.checked_to_offset(time::UtcOffset::UTC) {
            Some(utc) if utc.year() >= 1 => Ok(Timestamp(utc)),
            _ => Err(TimestampError(format!(
                "`{quoted}` is outside the years 1 to 9999 in UTC"
            ))),
        }
    }
}

impl fmt::Display for Timestamp {
    /// Wix's form: `2024-01-30T12:34:56.789Z` (UTC, milliseconds; micro- or nanoseconds only
    /// when the instant has them).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = self.0;
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        )?;
        let nanos = t.nanosecond();
        if nanos % 1_000_000 == 0 {
            write!(f, ".{:03}Z", nanos / 1_000_000)
        } else if nanos % 1_000 == 0 {
            write!(f, ".{:06}Z", nanos / 1_000)
        } else {
            write!(f, ".{nanos:09}Z")
        }
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timestamp({self})")
    }
}

impl FromStr for Timestamp {
    type Err = TimestampError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Timestamp::parse(text)
    }
}

impl TryFrom<SystemTime> for Timestamp {
    type Error = TimestampError;

    fn try_from(at: SystemTime) -> Result<Self, Self::Error> {
        let out_of_range = || TimestampError("the time is outside the years 1 to 9999".to_owned());
        match at.duration_since(UNIX_EPOCH) {
            Ok(after) => Timestamp::from_unix(
                i64::try_from(after.as_secs()).map_err(|_| out_of_range())?,
                after.subsec_nanos(),
            ),
            Err(before) => {
                let before = before.duration();
                let seconds = i64::try_from(before.as_secs()).map_err(|_| out_of_range())?;
                match before.subsec_nanos() {
                    0 => Timestamp::from_unix(-seconds, 0),
                    nanos => Timestamp::from_unix(
                        seconds
                            .checked_neg()
                            .and_then(|s| s.checked_sub(1))
                            .ok_or_else(out_of_range)?,
                        1_000_000_000 - nanos,
                    ),
                }
            }
        }
    }
}

impl serde::Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;

        impl serde::de::Visitor<'_> for Visitor {
            type Value = Timestamp;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an RFC 3339 date-time string")
            }

            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Timestamp, E> {
                Timestamp::parse(text).map_err(E::custom)
            }
        }

        deserializer.deserialize_str(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_past_the_representable_years_are_errors_not_panics() {
        for text in [
            "9999-12-31T23:59:59-01:00",
            "9999-12-31T23:59:59.999999999-23:59",
            "0001-01-01T00:00:00+00:01",
            "0000-01-01T00:00:00Z",
        ] {
            let error = Timestamp::parse(text).unwrap_err().to_string();
            assert!(
                error.contains("outside the years 1 to 9999"),
                "{text}: {error}"
            );
            assert!(serde_json::from_str::<Timestamp>(&format!("\"{text}\"")).is_err());
        }
        assert!(Timestamp::parse("9999-12-31T23:59:59+01:00").is_ok());
    }

    #[test]
    fn wix_strings_round_trip_exactly() {
        for text in [
            "2024-01-30T12:34:56.789Z",
            "2025-01-10T12:00:00.000Z",
            "1970-01-01T00:00:00.000Z",
            "0001-01-01T00:00:00.000Z",
            "9999-12-31T23:59:59.999Z",
            "2024-01-30T12:34:56.000001Z",
            "2024-01-30T12:34:56.123456789Z",
        ] {
            let t = Timestamp::parse(text).unwrap();
            assert_eq!(t.to_string(), text);
            let json = serde_json::to_string(&t).unwrap();
            assert_eq!(json, format!("\"{text}\""));
            assert_eq!(serde_json::from_str::<Timestamp>(&json).unwrap(), t);
        }
    }

    #[test]
    fn other_forms_are_read_and_written_in_utc_with_milliseconds() {
        let t = Timestamp::parse("2024-01-30T14:34:56+02:00").unwrap();
        assert_eq!(t.to_string(), "2024-01-30T12:34:56.000Z");
        assert_eq!(t.unix_seconds(), 1_706_618_096);
        assert_eq!(
            Timestamp::parse("2024-01-30T12:34:56.5Z")
                .unwrap()
                .subsec_nanos(),
            500_000_000
        );
    }

    #[test]
    fn bad_strings_are_clear_errors() {
        for text in [
            "",
            "2024-01-30",
            "2024-13-01T00:00:00Z",
            "2024-01-30T12:34:56",
            "yesterday",
        ] {
            let error = Timestamp::parse(text).unwrap_err().to_string();
            assert!(
                error.contains("is not an RFC 3339 date-time"),
                "{text}: {error}"
            );
        }
        let huge = "9".repeat(100_000);
        let error = Timestamp::parse(&huge).unwrap_err().to_string();
        assert!(
            error.len() < 300,
            "the error quotes a bounded prefix: {}",
            error.len()
        );
        let error = serde_json::from_str::<Timestamp>("12")
            .unwrap_err()
            .to_string();
        assert!(error.contains("an RFC 3339 date-time string"), "{error}");
    }

    #[test]
    fn unix_and_system_time_conversions() {
        let t = Timestamp::from_unix(1_706_618_096, 789_000_000).unwrap();
        assert_eq!(t.to_string(), "2024-01-30T12:34:56.789Z");
        assert_eq!(Timestamp::try_from(t.system_time().unwrap()).unwrap(), t);
        let before = Timestamp::from_unix(-1, 500_000_000).unwrap();
        assert_eq!(before.to_string(), "1969-12-31T23:59:59.500Z");
        assert_eq!(
            Timestamp::try_from(before.system_time().unwrap()).unwrap(),
            before
        );
        assert!(Timestamp::from_unix(i64::MAX, 0).is_err());
        assert!(Timestamp::from_unix(i64::MIN, 0).is_err());
        assert!(Timestamp::from_unix(0, 1_000_000_000).is_err());
        assert!(Timestamp::now() > t);
    }
}
