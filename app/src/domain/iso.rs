//! The ISO codes aidtrail accepts: active ISO 4217 currencies and ISO 3166-1 countries, as the
//! IATI 2.03 codelists list them (`iati/2.03/codelists/`, copied unchanged; a test below keeps
//! these arrays equal to those files). Any three capitals are not a currency, nor any two a
//! country.

/// Active ISO 4217 currency codes (IATI codelist `Currency`, 2.03), sorted.
pub const CURRENCIES: [&str; 167] = [
    "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT", "BGN", "BHD",
    "BIF", "BMD", "BND", "BOB", "BOV", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF", "CHF", "CLF",
    "CLP", "CNY", "COP", "COU", "CRC", "CUC", "CUP", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD", "EGP", "ERN",
    "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ", "GYD", "HKD", "HNL", "HRK",
    "HTG", "HUF", "IDR", "ILS", "INR", "IQD", "IRR", "ISK", "JMD", "JOD", "JPY", "KES", "KGS", "KHR", "KMF",
    "KPW", "KRW", "KWD", "KYD", "KZT", "LAK", "LBP", "LKR", "LRD", "LSL", "LYD", "MAD", "MDL", "MGA", "MKD",
    "MMK", "MNT", "MOP", "MRU", "MUR", "MVR", "MWK", "MXN", "MXV", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK",
    "NPR", "NZD", "OMR", "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD", "RUB", "RWF",
    "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE", "SLL", "SOS", "SRD", "SSP", "STN", "SVC", "SYP",
    "SZL", "THB", "TJS", "TMT", "TND", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "UGX", "USD", "USN", "UYI",
    "UYU", "UZS", "VED", "VES", "VND", "VUV", "WST", "XAF", "XBT", "XCD", "XDR", "XOF", "XPF", "YER", "ZAR",
    "ZMW", "ZWL",
];

/// Active ISO 3166-1 alpha-2 country codes, and XK (IATI codelist `Country`, 2.03), sorted.
pub const COUNTRIES: [&str; 250] = [
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ", "BA",
    "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS", "BT", "BV",
    "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN", "CO", "CR", "CU",
    "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE", "EG", "EH", "ER", "ES",
    "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF", "GG", "GH", "GI", "GL", "GM",
    "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM", "HN", "HR", "HT", "HU", "ID", "IE",
    "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM", "JO", "JP", "KE", "KG", "KH", "KI", "KM",
    "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC", "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY",
    "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK", "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT",
    "MU", "MV", "MW", "MX", "MY", "MZ", "NA", "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU",
    "NZ", "OM", "PA", "PE", "PF", "PG", "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA",
    "RE", "RO", "RS", "RU", "RW", "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM",
    "SN", "SO", "SR", "SS", "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL",
    "TM", "TN", "TO", "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE",
    "VG", "VI", "VN", "VU", "WF", "WS", "XK", "YE", "YT", "ZA", "ZM", "ZW",
];

/// Whether `code` is an active currency code.
pub fn is_currency(code: &str) -> bool {
    CURRENCIES.binary_search(&code).is_ok()
}

/// Whether `code` is an active country code.
pub fn is_country(code: &str) -> bool {
    COUNTRIES.binary_search(&code).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Country, Currency};
    use proptest::prelude::*;

    proptest! {
        /// Three capitals are a currency exactly when the list holds them; what is accepted
        /// reads back as the same code (surrounding spaces aside).
        #[test]
        fn a_code_is_accepted_exactly_when_listed(code in "[A-Z]{2,3}", pad in " {0,2}") {
            let typed = format!("{pad}{code}{pad}");
            match Currency::parse(&typed) {
                Ok(c) => prop_assert!(is_currency(&code) && c.as_str() == code),
                Err(_) => prop_assert!(!is_currency(&code)),
            }
            match Country::parse(&typed) {
                Ok(c) => prop_assert!(is_country(&code) && c.code() == code),
                Err(_) => prop_assert!(!is_country(&code)),
            }
        }

        /// Anything else is refused.
        #[test]
        fn any_other_text_is_no_code(text in "\\PC{0,5}") {
            if Currency::parse(&text).is_ok() { prop_assert!(is_currency(text.trim())); }
            if Country::parse(&text).is_ok() { prop_assert!(is_country(text.trim())); }
        }
    }

    /// The active codes of an IATI codelist file.
    fn active(file: &str) -> Vec<String> {
        let dir = std::env::var_os("CARGO_MANIFEST_DIR")
            .map_or_else(|| std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")), std::path::PathBuf::from);
        let path = dir.join("../iati/2.03/codelists").join(file);
        let xml = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut codes: Vec<String> = xml
            .split("<codelist-item")
            .skip(1)
            .filter(|item| !item.split('>').next().unwrap_or_default().contains("withdrawn"))
            .filter_map(|item| Some(item.split("<code>").nth(1)?.split("</code>").next()?.trim().to_owned()))
            .collect();
        codes.sort();
        codes
    }

    #[test]
    fn the_lists_are_the_iati_codelists() {
        assert_eq!(CURRENCIES.to_vec(), active("Currency.xml"));
        assert_eq!(COUNTRIES.to_vec(), active("Country.xml"));
        assert!(is_currency("XOF") && is_currency("EUR") && !is_currency("XXX") && !is_currency("ABC"));
        assert!(is_country("ML") && is_country("BF") && is_country("NE") && !is_country("XX"));
        // Withdrawn codes are refused: the Netherlands Antilles, the old Mauritanian ouguiya.
        assert!(!is_country("AN") && !is_currency("MRO"));
    }
}
