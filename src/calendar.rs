//! Calendar durations: what `12 months` in a policy or `lifetime = 9 months` in the catalogue
//! means. The parser only reads an amount and a unit word (`syntax::ast::DurationLiteral`); the
//! checker and the catalogue loader turn that into a [`Duration`], and the outputs read it from
//! the checked model and the catalogue.
//!
//! A month is not a fixed number of days, so a duration is kept in its calendar unit and turned
//! into days only where an output needs a number, by one rule: [`Duration::max_days`].

use crate::syntax::ast::{DurationLiteral, UnitWord};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TimeUnit {
    Day,
    Week,
    Month,
    Year,
}

impl TimeUnit {
    /// The unit's word after `amount`: `1 month`, `9 months`.
    pub fn word(self, amount: u32) -> &'static str {
        match (self, amount == 1) {
            (TimeUnit::Day, true) => "day",
            (TimeUnit::Day, false) => "days",
            (TimeUnit::Week, true) => "week",
            (TimeUnit::Week, false) => "weeks",
            (TimeUnit::Month, true) => "month",
            (TimeUnit::Month, false) => "months",
            (TimeUnit::Year, true) => "year",
            (TimeUnit::Year, false) => "years",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Duration {
    pub amount: u32,
    pub unit: TimeUnit,
}

/// Days in each month of a four-year cycle starting with a leap year. Gregorian century years
/// that skip the leap day only make spans shorter, so the longest span over this cycle is the
/// longest span there is.
const CYCLE_MONTHS: usize = 48;
const CYCLE_DAYS: u64 = 4 * 365 + 1;

fn month_length(index: usize) -> u64 {
    match index % 12 {
        1 if (index / 12).is_multiple_of(4) => 29,
        1 => 28,
        3 | 5 | 8 | 10 => 30,
        _ => 31,
    }
}

/// The most days `months` consecutive calendar months can span (from a day in one month to
/// the same day `months` later): `1 month` is at most 31 days, `9 months` at most 276 (May to
/// February), `12 months` at most 366.
fn max_days_in_months(months: u64) -> u64 {
    let whole_cycles = months / CYCLE_MONTHS as u64;
    let rest = (months % CYCLE_MONTHS as u64) as usize;
    let longest_rest = (0..CYCLE_MONTHS)
        .map(|start| (start..start + rest).map(month_length).sum::<u64>())
        .max()
        .unwrap_or(0);
    whole_cycles.saturating_mul(CYCLE_DAYS).saturating_add(longest_rest)
}

impl Duration {
    pub fn from_literal(literal: &DurationLiteral) -> Duration {
        let unit = match literal.unit {
            UnitWord::Day => TimeUnit::Day,
            UnitWord::Week => TimeUnit::Week,
            UnitWord::Month => TimeUnit::Month,
            UnitWord::Year => TimeUnit::Year,
        };
        Duration {
            amount: literal.amount,
            unit,
        }
    }

    /// The most days this duration can last on the calendar: days and weeks are exact; months
    /// and years count their longest run (`9 months` = 276 days, `1 year` = 366). Disclosures
    /// that need a number of days or seconds use this, so a visitor is never told a cookie
    /// lives shorter than it can (docs/outputs.md, "Cookie lifetimes").
    pub fn max_days(self) -> u64 {
        let amount = u64::from(self.amount);
        match self.unit {
            TimeUnit::Day => amount,
            TimeUnit::Week => amount.saturating_mul(7),
            TimeUnit::Month => max_days_in_months(amount),
            TimeUnit::Year => max_days_in_months(amount.saturating_mul(12)),
        }
    }

    /// [`Duration::max_days`] in seconds.
    pub fn max_seconds(self) -> u64 {
        self.max_days().saturating_mul(86_400)
    }

    /// As an adjective: `9-month`, `1-week`.
    pub fn adjective(self) -> String {
        format!("{}-{}", self.amount, self.unit.word(1))
    }
}

impl std::fmt::Display for Duration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.amount, self.unit.word(self.amount))
    }
}

#[cfg(test)]
mod tests {
    use super::{Duration, TimeUnit};

    fn days(amount: u32, unit: TimeUnit) -> u64 {
        Duration { amount, unit }.max_days()
    }

    #[test]
    fn calendar_spans_count_their_longest_run() {
        assert_eq!(days(3, TimeUnit::Day), 3);
        assert_eq!(days(1, TimeUnit::Week), 7);
        assert_eq!(days(1, TimeUnit::Month), 31);
        // February to March is the shortest pair; July and August the longest.
        assert_eq!(days(2, TimeUnit::Month), 62);
        // May to February: May, Jul, Aug, Oct, Dec and Jan have 31 days.
        assert_eq!(days(9, TimeUnit::Month), 276);
        assert_eq!(days(12, TimeUnit::Month), 366);
        assert_eq!(days(1, TimeUnit::Year), 366);
        assert_eq!(days(4, TimeUnit::Year), 1461);
        // Two leap days fit in five years (29 Feb 2024 and 29 Feb 2028).
        assert_eq!(days(5, TimeUnit::Year), 5 * 365 + 2);
        assert_eq!(days(48, TimeUnit::Month), 1461);
        assert_eq!(
            Duration {
                amount: 9,
                unit: TimeUnit::Month
            }
            .max_seconds(),
            276 * 86_400
        );
    }

    #[test]
    fn huge_amounts_saturate_instead_of_overflowing() {
        assert!(days(u32::MAX, TimeUnit::Year) > days(u32::MAX, TimeUnit::Month));
        assert_eq!(days(u32::MAX, TimeUnit::Week), u64::from(u32::MAX) * 7);
    }

    #[test]
    fn durations_read_as_written() {
        let d = Duration {
            amount: 9,
            unit: TimeUnit::Month,
        };
        assert_eq!(d.to_string(), "9 months");
        assert_eq!(d.adjective(), "9-month");
        assert_eq!(
            Duration {
                amount: 1,
                unit: TimeUnit::Week
            }
            .to_string(),
            "1 week"
        );
    }
}
