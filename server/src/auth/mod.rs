//! Who is asking: passwords, the session store, sign-in limits and the accounts created at first
//! start. Permissions themselves live in `app::domain::auth` and are checked by the services;
//! the middleware and the sign-in endpoints that use these are in `http`.

pub mod bootstrap;
pub mod password;
pub mod rate_limit;
pub mod store;
