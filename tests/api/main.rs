//! Integration tests: the real server on port 0, a real SurrealKV database in a temp folder.

mod activities;
mod architecture;
mod attachments;
mod audit;
mod auth;
mod backup;
mod concurrency;
mod crash;
mod dashboard;
mod demo;
mod engine;
mod exports;
mod handover_lines;
mod handovers;
mod hostile;
mod iati;
mod imports;
mod lifecycle;
mod malformed;
mod pages;
mod permissions;
mod records;
mod rules;
mod writes;
