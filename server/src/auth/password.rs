//! Password hashing with argon2id (OWASP: 19 MiB, 2 iterations, 1 lane) and one-time passwords.

use std::fmt;
use std::sync::OnceLock;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::Rng;
use rand::distr::Alphanumeric;

/// The shortest password a user may choose.
pub const MIN_LENGTH: usize = 12;

/// A PHC-format argon2id hash. Deliberately neither `Serialize` nor printable.
#[derive(Clone, PartialEq, Eq)]
pub struct PasswordHashString(String);

impl PasswordHashString {
    /// Wraps a hash read from the database.
    pub fn from_stored(hash: String) -> Self {
        Self(hash)
    }

    /// The text to store.
    pub fn as_stored(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for PasswordHashString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PasswordHashString(***)")
    }
}

fn argon2() -> Argon2<'static> {
    // 19 MiB, 2 passes, 1 lane: the OWASP minimum for argon2id.
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password with a fresh random salt.
pub fn hash(password: &str) -> PasswordHashString {
    let salt = SaltString::generate(&mut OsRng);
    let hash = argon2()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 hashing cannot fail with valid params");
    PasswordHashString(hash.to_string())
}

/// Whether `password` matches `hash`. A malformed stored hash never matches.
pub fn verify(password: &str, hash: &PasswordHashString) -> bool {
    match PasswordHash::new(&hash.0) {
        Ok(parsed) => argon2().verify_password(password.as_bytes(), &parsed).is_ok(),
        Err(_) => false,
    }
}

/// Spends the time of one verification, so that an unknown account answers as slowly as a
/// wrong password.
pub fn verify_dummy(password: &str) {
    static DUMMY: OnceLock<PasswordHashString> = OnceLock::new();
    let dummy = DUMMY.get_or_init(|| hash("not a real password, only for timing"));
    let _ = verify(password, dummy);
}

/// A random password for first start, demo users and resets: 20 letters and digits (~119 bits).
pub fn generate() -> String {
    rand::rng().sample_iter(&Alphanumeric).take(20).map(char::from).collect()
}

/// Why a new password was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordProblem {
    TooShort,
    Mismatch,
    SameAsCurrent,
}

impl PasswordProblem {
    pub fn code(self) -> &'static str {
        match self {
            PasswordProblem::TooShort => "too_short",
            PasswordProblem::Mismatch => "mismatch",
            PasswordProblem::SameAsCurrent => "same",
        }
    }
}

/// Checks a chosen password and its confirmation.
pub fn check_new(current: &str, new: &str, confirm: &str) -> Result<(), PasswordProblem> {
    if new.chars().count() < MIN_LENGTH {
        return Err(PasswordProblem::TooShort);
    }
    if new != confirm {
        return Err(PasswordProblem::Mismatch);
    }
    if new == current {
        return Err(PasswordProblem::SameAsCurrent);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_use_argon2id_with_owasp_parameters() {
        let h = hash("correct horse battery staple");
        assert!(h.as_stored().starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{}", h.as_stored());
        assert!(verify("correct horse battery staple", &h));
        assert!(!verify("Correct horse battery staple", &h));
        assert!(!verify("x", &PasswordHashString::from_stored("not a hash".into())));
        assert_eq!(format!("{h:?}"), "PasswordHashString(***)");
    }

    #[test]
    fn generated_passwords_are_long_and_different() {
        let (a, b) = (generate(), generate());
        assert_eq!(a.len(), 20);
        assert_ne!(a, b);
        assert!(a.chars().all(|c| c.is_ascii_alphanumeric()));
    }

    #[test]
    fn new_passwords_are_checked() {
        assert_eq!(check_new("old", "short", "short"), Err(PasswordProblem::TooShort));
        assert_eq!(check_new("old", "long enough pass", "long enough pasS"), Err(PasswordProblem::Mismatch));
        assert_eq!(
            check_new("long enough pass", "long enough pass", "long enough pass"),
            Err(PasswordProblem::SameAsCurrent)
        );
        assert_eq!(check_new("old", "long enough pass", "long enough pass"), Ok(()));
    }
}
