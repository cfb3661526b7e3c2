//! The crates' layout: imports point one way. Reads the `use` lines and the `crate::`/`super::`
//! paths of every file, resolves each to the file that defines what it names (through `pub use`
//! re-exports, globs included) and looks for cycles among the files.
//!
//! In `server/`: `main → startup → http → (services, db) → state/helpers`, and no module imports
//! one that imports it, however long the way round.

mod graph;

use std::path::PathBuf;

use graph::{Crate, Module, cycles};

fn source_folder(krate: &str) -> PathBuf {
    aidtrail_tests::workspace_root().join(krate).join("src")
}

#[test]
fn the_server_crate_imports_point_one_way() {
    let found = cycles(&source_folder("server"), "aidtrail");
    assert!(found.is_empty(), "import cycles in server/src:\n{}", found.join("\n"));
}

#[test]
fn the_checker_finds_a_cycle_through_a_re_export() {
    let dir = tempfile::tempdir().expect("a temp folder");
    let write = |path: &str, text: &str| {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("a folder");
        std::fs::write(path, text).expect("a file");
    };
    write(
        "lib.rs",
        "pub mod codes;\npub mod db;\npub mod http;\npub mod kinds;\npub use codes::*;\npub use kinds::*;\n",
    );
    // Found through the first of two globs, and declared by a macro: no edge back to the root.
    write(
        "codes.rs",
        "macro_rules! coded { ($n:ident {}) => { pub enum $n {} } }\ncoded!(\n    Theme {\n    }\n);\n",
    );
    write("kinds.rs", "pub struct Kind;\npub fn f(_: crate::Theme) {}\n");
    write("db/mod.rs", "mod repo;\npub use repo::internal;\npub struct Db;\n");
    // `repo` names `Db` from its parent, which re-exports `repo`: a cycle of two.
    write("db/repo.rs", "use super::Db;\npub fn internal(_: &Db) {}\n");
    // A path in a string or a comment is not an import.
    write(
        "http/mod.rs",
        "// use crate::db::Db;\nconst X: &str = \"crate::db::Db\";\nfn f() { crate::db::internal(&crate::db::Db) }\n",
    );
    let found = cycles(dir.path(), "x");
    assert_eq!(found, vec!["2 modules import each other:\n  db -> db::repo\n  db::repo -> db".to_owned()]);
}

#[test]
fn the_two_forms_of_the_domain_do_not_import_each_other() {
    let krate = Crate::read(&source_folder("app"), "app");
    let edges = krate.edges();
    let module = |path: &str| -> Module { path.split("::").map(str::to_owned).collect() };
    let (activity_form, records) = (module("crate::domain::activity_form"), module("crate::domain::records"));
    let imports = |from: &Module, to: &Module| edges.get(from).is_some_and(|t| t.contains(to));
    assert!(krate.files.contains_key(&activity_form) && krate.files.contains_key(&records));
    assert!(
        !(imports(&activity_form, &records) && imports(&records, &activity_form)),
        "domain::activity_form and domain::records import each other"
    );
}
