//! Numbers, money and dates written the way each language writes them.

use chrono::{Datelike, NaiveDate};

use super::Locale;
use crate::domain::{DateRange, Money};

/// French groups thousands with a narrow no-break space.
const FR_GROUP: char = '\u{202f}';

fn group_digits(digits: &str, separator: char) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 * 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(c);
    }
    out
}

/// A whole number: `1,234` in English, `1 234` in French.
pub fn fmt_int(locale: Locale, value: u64) -> String {
    let digits = value.to_string();
    match locale {
        Locale::En => group_digits(&digits, ','),
        Locale::Fr => group_digits(&digits, FR_GROUP),
    }
}

/// An amount with its currency: `EUR 1,234.50` in English, `1 234,50 EUR` in French.
pub fn fmt_money(locale: Locale, money: &Money) -> String {
    let exponent = money.currency().exponent();
    let scale = 10_u64.pow(exponent);
    let minor = money.minor().unsigned_abs();
    let whole = fmt_int(locale, minor / scale);
    let number = if exponent == 0 {
        whole
    } else {
        let frac = format!("{:0width$}", minor % scale, width = exponent as usize);
        match locale {
            Locale::En => format!("{whole}.{frac}"),
            Locale::Fr => format!("{whole},{frac}"),
        }
    };
    match locale {
        Locale::En => format!("{} {number}", money.currency()),
        Locale::Fr => format!("{number}\u{a0}{}", money.currency()),
    }
}

/// A share as a percentage with no decimals: `10%` / `10 %`.
pub fn fmt_percent(locale: Locale, part: u64, whole: u64) -> String {
    let pct = (part * 100 + whole / 2).checked_div(whole).unwrap_or(0);
    match locale {
        Locale::En => format!("{pct}%"),
        Locale::Fr => format!("{pct}\u{a0}%"),
    }
}

fn month_name(locale: Locale, month: u32) -> &'static str {
    const EN: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    const FR: [&str; 12] = [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ];
    let i = (month.clamp(1, 12) - 1) as usize;
    match locale {
        Locale::En => EN[i],
        Locale::Fr => FR[i],
    }
}

fn fmt_day(locale: Locale, day: u32) -> String {
    match (locale, day) {
        (Locale::Fr, 1) => "1er".to_owned(),
        _ => day.to_string(),
    }
}

/// A date: `8 May 2018` / `8 mai 2018` (`1er mai` on the first in French).
pub fn fmt_date(locale: Locale, date: NaiveDate) -> String {
    format!("{} {} {}", fmt_day(locale, date.day()), month_name(locale, date.month()), date.year())
}

/// A range of days written as briefly as is clear: `8–11 May 2018`.
pub fn fmt_date_range(locale: Locale, range: &DateRange) -> String {
    let (s, e) = (range.start(), range.end());
    if s == e {
        fmt_date(locale, s)
    } else if s.year() == e.year() && s.month() == e.month() {
        format!("{}–{} {} {}", fmt_day(locale, s.day()), e.day(), month_name(locale, s.month()), s.year())
    } else if s.year() == e.year() {
        format!(
            "{} {} – {} {} {}",
            fmt_day(locale, s.day()),
            month_name(locale, s.month()),
            fmt_day(locale, e.day()),
            month_name(locale, e.month()),
            e.year()
        )
    } else {
        format!("{} – {}", fmt_date(locale, s), fmt_date(locale, e))
    }
}

/// `Page 2 of 5` / `Page 2 sur 5`.
pub fn fmt_page_of(locale: Locale, page: u32, pages: u32) -> String {
    match locale {
        Locale::En => format!("Page {page} of {pages}"),
        Locale::Fr => format!("Page {page} sur {pages}"),
    }
}

/// `Showing 21–23 of 23` / `Lignes 21 à 23 sur 23`.
pub fn fmt_showing(locale: Locale, first: u64, last: u64, total: u64) -> String {
    let (a, b, n) = (fmt_int(locale, first), fmt_int(locale, last), fmt_int(locale, total));
    match locale {
        Locale::En => format!("Showing {a}–{b} of {n}"),
        Locale::Fr => format!("Lignes {a} à {b} sur {n}"),
    }
}

/// `4 instructors` / `4 formateurs`, with the right plural.
pub fn fmt_instructors(locale: Locale, count: usize) -> String {
    match (locale, count) {
        (Locale::En, 1) => "1 instructor".to_owned(),
        (Locale::En, n) => format!("{n} instructors"),
        (Locale::Fr, 0 | 1) => format!("{count} formateur"),
        (Locale::Fr, n) => format!("{n} formateurs"),
    }
}

/// `Too many attempts. Try again in 12 s.`
pub fn fmt_try_again(locale: Locale, seconds: u64) -> String {
    match locale {
        Locale::En => format!("Too many sign-in attempts. Try again in {seconds} s."),
        Locale::Fr => format!("Trop de tentatives de connexion. Réessayez dans {seconds}\u{a0}s."),
    }
}

/// A file size in kB or MB, one decimal, in the locale's way: `2.4 MB`, `2,4 Mo`.
pub fn fmt_file_size(locale: Locale, bytes: u64) -> String {
    let (value, en, fr) = if bytes >= 1024 * 1024 {
        (bytes as f64 / (1024.0 * 1024.0), "MB", "Mo")
    } else {
        ((bytes as f64 / 1024.0).max(0.1), "kB", "ko")
    };
    let text = format!("{value:.1}");
    match locale {
        Locale::En => format!("{text} {en}"),
        Locale::Fr => format!("{}\u{a0}{fr}", text.replace('.', ",")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Currency;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn numbers_group_thousands_per_locale() {
        assert_eq!(fmt_int(Locale::En, 1_234_567), "1,234,567");
        assert_eq!(fmt_int(Locale::Fr, 1_234_567), "1\u{202f}234\u{202f}567");
        assert_eq!(fmt_int(Locale::En, 999), "999");
        assert_eq!(fmt_int(Locale::En, 0), "0");
    }

    #[test]
    fn money_is_written_per_locale_and_currency() {
        let eur = Money::new(45_000_050, Currency::eur()).unwrap();
        assert_eq!(fmt_money(Locale::En, &eur), "EUR 450,000.50");
        assert_eq!(fmt_money(Locale::Fr, &eur), "450\u{202f}000,50\u{a0}EUR");
        let xof = Money::new(1_500_000, Currency::parse("XOF").unwrap()).unwrap();
        assert_eq!(fmt_money(Locale::En, &xof), "XOF 1,500,000");
        let cents = Money::new(7, Currency::eur()).unwrap();
        assert_eq!(fmt_money(Locale::En, &cents), "EUR 0.07");
    }

    #[test]
    fn dates_are_written_per_locale() {
        assert_eq!(fmt_date(Locale::En, d(2018, 5, 8)), "8 May 2018");
        assert_eq!(fmt_date(Locale::Fr, d(2018, 5, 1)), "1er mai 2018");
        let workshop = DateRange::new(d(2018, 5, 8), d(2018, 5, 11)).unwrap();
        assert_eq!(fmt_date_range(Locale::En, &workshop), "8–11 May 2018");
        assert_eq!(fmt_date_range(Locale::Fr, &workshop), "8–11 mai 2018");
        let across = DateRange::new(d(2017, 12, 30), d(2018, 1, 2)).unwrap();
        assert_eq!(fmt_date_range(Locale::Fr, &across), "30 décembre 2017 – 2 janvier 2018");
        let months = DateRange::new(d(2017, 3, 1), d(2017, 6, 30)).unwrap();
        assert_eq!(fmt_date_range(Locale::En, &months), "1 March – 30 June 2017");
    }

    #[test]
    fn percentages_round_half_up() {
        assert_eq!(fmt_percent(Locale::En, 2, 20), "10%");
        assert_eq!(fmt_percent(Locale::Fr, 1, 3), "33\u{a0}%");
        assert_eq!(fmt_percent(Locale::En, 0, 0), "0%");
    }
}
