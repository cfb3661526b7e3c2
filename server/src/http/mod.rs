//! Everything that reads a request and writes a response, one module per area as the pages are
//! in `app/src/pages/`: form posts, uploads and downloads, exports and imports, sign-in and the
//! user pages' posts, health and language routes. They call the services and `db`; nothing
//! below imports them.

pub mod account;
pub mod activities;
pub mod assets;
pub mod attachments;
pub mod deadline;
pub mod exports;
pub mod form;
pub mod handovers;
pub mod imports;
pub mod middleware;
pub mod ops;
pub mod records;
pub mod respond;
pub mod site;
pub mod users;
