//! The table: each endpoint with the status each caller gets (anonymous, admin, manager,
//! auditor, donor NL, donor DE, institute ML-ENP, institute ML-INFJ).

mod exchange;

use super::{Call, Row};

const PAGE: [u16; 8] = [401, 200, 200, 200, 200, 200, 200, 200];
const ADMIN_ONLY_PAGE: [u16; 8] = [401, 200, 403, 403, 403, 403, 403, 403];
const NO_INSTITUTE_PAGE: [u16; 8] = [401, 200, 200, 200, 200, 200, 403, 403];
const ADMIN_ONLY_POST: [u16; 8] = [401, 303, 403, 403, 403, 403, 403, 403];
const EDITORS_PAGE: [u16; 8] = [401, 200, 200, 403, 403, 403, 403, 403];
const EDITORS_POST: [u16; 8] = [401, 303, 303, 403, 403, 403, 403, 403];
const STAFF_PAGE: [u16; 8] = [401, 200, 200, 200, 403, 403, 403, 403];
const AUDIT_PAGE: [u16; 8] = [401, 200, 403, 200, 403, 403, 403, 403];
const EVERYONE: [u16; 8] = [200; 8];
const DONOR_EXPORT: [u16; 8] = [401, 200, 200, 200, 200, 200, 403, 403];
const STAFF_EXPORT: [u16; 8] = [401, 200, 200, 200, 403, 403, 403, 403];
const HANDOVER_EXPORT: [u16; 8] = [401, 200, 200, 200, 200, 200, 200, 200];
const EVERYONE_REDIRECT: [u16; 8] = [303; 8];
const PAGE_ARGS: &[(&str, &str)] = &[("page[page]", "1"), ("page[per_page]", "20")];

/// `{user}` in a path is replaced by the key of the demo user `bf-eng@aidtrail.demo`.
pub(super) fn matrix() -> Vec<Row> {
    use Call::*;
    vec![
        Row { method: "GET", path: "/", call: Page("/"), expect: PAGE },
        Row { method: "GET", path: "/grants", call: Page("/grants"), expect: NO_INSTITUTE_PAGE },
        Row { method: "GET", path: "/activities", call: Page("/activities"), expect: PAGE },
        Row {
            method: "GET",
            path: "/activities/{id}",
            // Paid by the Netherlands, with ML-ENP's people: Germany and ML-INFJ had no part.
            call: Page("/activities/ml_workshop_2018"),
            expect: [401, 200, 200, 200, 200, 403, 200, 403],
        },
        Row { method: "GET", path: "/institutes", call: Page("/institutes"), expect: PAGE },
        Row { method: "GET", path: "/equipment", call: Page("/equipment"), expect: PAGE },
        Row { method: "GET", path: "/login", call: Page("/login"), expect: EVERYONE },
        Row { method: "GET", path: "/account/password", call: Page("/account/password"), expect: PAGE },
        Row { method: "GET", path: "/admin/users", call: Page("/admin/users"), expect: ADMIN_ONLY_PAGE },
        Row { method: "GET", path: "/admin/iati", call: Page("/admin/iati"), expect: ADMIN_ONLY_PAGE },
        Row {
            method: "POST",
            path: "get_iati_settings",
            call: ServerFn("get_iati_settings", &[]),
            expect: ADMIN_ONLY_PAGE,
        },
        Row { method: "GET", path: "/admin/audit", call: Page("/admin/audit?verify=1"), expect: AUDIT_PAGE },
        Row { method: "GET", path: "/exports", call: Page("/exports?from=2018-01-01&bom=1"), expect: PAGE },
    ]
    .into_iter()
    .chain(exchange::rows())
    .chain(vec![
        Row { method: "GET", path: "/dashboard", call: Page("/dashboard"), expect: NO_INSTITUTE_PAGE },
        Row {
            method: "POST",
            path: "get_dashboard",
            call: ServerFn("get_dashboard", &[]),
            expect: NO_INSTITUTE_PAGE,
        },
        Row {
            method: "POST",
            path: "get_dashboard_options",
            call: ServerFn("get_dashboard_options", &[]),
            expect: NO_INSTITUTE_PAGE,
        },
        Row {
            method: "POST",
            path: "get_iati_checks",
            call: ServerFn("get_iati_checks", &[]),
            expect: DONOR_EXPORT,
        },
        Row { method: "GET", path: "/handovers", call: Page("/handovers"), expect: PAGE },
        Row { method: "GET", path: "/handovers/new", call: Page("/handovers/new"), expect: EDITORS_PAGE },
        // HO-2018-002 is ML-ENP's, paid by Germany: the Netherlands donor and ML-INFJ may not see it.
        Row {
            method: "GET",
            path: "/handovers/{id}",
            call: Page("/handovers/ml_enp_2018"),
            expect: [401, 200, 200, 200, 403, 200, 200, 403],
        },
        Row {
            method: "GET",
            path: "/handovers/{id}/certificate",
            call: Page("/handovers/ml_enp_2018/certificate"),
            expect: [401, 200, 200, 200, 403, 200, 200, 403],
        },
        Row {
            method: "POST",
            path: "list_handovers",
            call: ServerFn("list_handovers", PAGE_ARGS),
            expect: PAGE,
        },
        Row {
            method: "POST",
            path: "get_handover",
            call: ServerFn("get_handover", &[("id", "ml_enp_2018")]),
            expect: [401, 200, 200, 200, 403, 200, 200, 403],
        },
        Row {
            method: "POST",
            path: "get_handover_form_options",
            call: ServerFn("get_handover_form_options", &[]),
            expect: EDITORS_PAGE,
        },
        Row { method: "POST", path: "get_form_token", call: ServerFn("get_form_token", &[]), expect: PAGE },
        Row { method: "GET", path: "/handovers/report", call: Page("/handovers/report"), expect: PAGE },
        // An upload without a file is sent back: nothing is saved.
        Row {
            method: "POST",
            path: "/handovers/{id}/photos",
            call: Post("/handovers/ml_enp_2018/photos", &[]),
            expect: [401, 303, 303, 403, 403, 403, 303, 403],
        },
        Row {
            method: "GET",
            path: "/handovers/{id}/photos/{file}",
            call: Get("/handovers/ml_enp_2018/photos/none"),
            expect: [401, 404, 404, 404, 403, 404, 404, 403],
        },
        // A stale version: refused as a conflict, nothing changes.
        Row {
            method: "POST",
            path: "/handovers/{id}/hand-over",
            call: Post("/handovers/ml_enp_2018/hand-over", &[("version", "999")]),
            expect: EDITORS_POST,
        },
        Row {
            method: "POST",
            path: "get_equipment_totals",
            call: ServerFn("get_equipment_totals", &[]),
            expect: PAGE,
        },
        Row {
            method: "POST",
            path: "get_equipment_filter_options",
            call: ServerFn("get_equipment_filter_options", &[]),
            expect: PAGE,
        },
        Row {
            method: "POST",
            path: "get_handover_report",
            call: ServerFn("get_handover_report", &[]),
            expect: PAGE,
        },
        // A state that does not exist: allowed callers are sent back with an error.
        Row {
            method: "POST",
            path: "/equipment/state",
            call: Post(
                "/equipment/state",
                &[("handover", "ml_enp_2018"), ("equipment", "ml_laptops_2018"), ("state", "bogus")],
            ),
            expect: [401, 303, 303, 403, 403, 403, 303, 403],
        },
        // Only the institute itself confirms; here with nothing received, so nothing is saved.
        Row {
            method: "POST",
            path: "/handovers/{id}/confirm",
            call: Post(
                "/handovers/ml_enp_2018/confirm",
                &[("token", "matrix-token-0123456789"), ("version", "1")],
            ),
            expect: [401, 403, 403, 403, 403, 403, 303, 403],
        },
        Row {
            method: "POST",
            path: "/handovers/{id}/correct",
            call: Post(
                "/handovers/ml_enp_2018/correct",
                &[("token", "matrix-token-0123456789"), ("version", "1")],
            ),
            expect: [401, 403, 403, 403, 403, 403, 303, 403],
        },
        Row {
            method: "POST",
            path: "/handovers/confirm",
            call: Post("/handovers/confirm", &[("token", "matrix-token-0123456789")]),
            expect: [401, 403, 403, 403, 403, 403, 303, 303],
        },
        Row {
            method: "POST",
            path: "/handovers/new",
            call: Post("/handovers/new", &[("code", "")]),
            expect: EDITORS_POST,
        },
        Row {
            method: "POST",
            path: "list_attachments",
            call: ServerFn("list_attachments", &[("id", "ml_workshop_2018")]),
            expect: [401, 200, 200, 200, 200, 403, 200, 403],
        },
        // The demo has no file attached: allowed callers get 404, others are stopped first.
        Row {
            method: "GET",
            path: "/activities/{id}/attachments/{file}",
            call: Get("/activities/ml_workshop_2018/attachments/none"),
            expect: [401, 404, 404, 404, 404, 403, 404, 403],
        },
        // Publishing a file: editors only; the demo has none, so they get 404.
        Row {
            method: "POST",
            path: "/activities/{id}/attachments/{file}/public",
            call: Post("/activities/ml_workshop_2018/attachments/none/public", &[("public", "true")]),
            expect: [401, 404, 404, 403, 403, 403, 403, 403],
        },
        // A public file is anyone's; the demo has none.
        Row {
            method: "GET",
            path: "/public/files/{file}",
            call: Get("/public/files/none"),
            expect: [404; 8],
        },
        // An empty upload is sent back to the activity: nothing is saved.
        Row {
            method: "POST",
            path: "/activities/{id}/attachments",
            call: Post("/activities/ml_workshop_2018/attachments", &[]),
            expect: EDITORS_POST,
        },
        Row {
            method: "GET",
            path: "/records/{kind}",
            call: Page("/records/transactions"),
            expect: STAFF_PAGE,
        },
        Row {
            method: "GET",
            path: "/records/{kind}/new",
            call: Page("/records/grants/new"),
            expect: EDITORS_PAGE,
        },
        Row {
            method: "GET",
            path: "/records/{kind}/{id}",
            call: Page("/records/grants/nl_2018"),
            expect: STAFF_PAGE,
        },
        Row {
            method: "POST",
            path: "list_records",
            call: ServerFn(
                "list_records",
                &[("kind", "Donor"), ("page[page]", "1"), ("page[per_page]", "20")],
            ),
            expect: STAFF_PAGE,
        },
        Row {
            method: "POST",
            path: "get_record_form",
            call: ServerFn("get_record_form", &[("kind", "Grant"), ("id", "de_2017")]),
            expect: STAFF_PAGE,
        },
        Row {
            method: "POST",
            path: "get_record_history",
            call: ServerFn("get_record_history", &[("kind", "Grant"), ("id", "de_2017")]),
            expect: STAFF_PAGE,
        },
        // Allowed calls here are refused by validation or versioning, so they change nothing.
        Row {
            method: "POST",
            path: "/records/{kind}/new",
            call: Post("/records/donors/new", &[("name", "")]),
            expect: EDITORS_POST,
        },
        Row {
            method: "POST",
            path: "/records/{kind}/{id}/edit",
            call: Post("/records/grants/nl_2018/edit", &[("version", "1"), ("title", "")]),
            expect: EDITORS_POST,
        },
        Row {
            method: "POST",
            path: "/records/{kind}/{id}/archive",
            call: Post("/records/grants/nl_2018/archive", &[("version", "999")]),
            expect: EDITORS_POST,
        },
        Row {
            method: "POST",
            path: "/activities/new",
            call: Post("/activities/new", &[("title", "")]),
            expect: EDITORS_POST,
        },
        Row {
            method: "POST",
            path: "/activities/{id}/edit",
            call: Post("/activities/ml_workshop_2018/edit", &[("version", "1"), ("title", "")]),
            expect: EDITORS_POST,
        },
        Row {
            method: "POST",
            path: "/activities/{id}/archive",
            call: Post("/activities/ml_workshop_2018/archive", &[("version", "999")]),
            expect: EDITORS_POST,
        },
        Row {
            method: "POST",
            path: "get_current_user",
            call: ServerFn("get_current_user", &[]),
            expect: EVERYONE,
        },
        Row { method: "POST", path: "get_overview", call: ServerFn("get_overview", &[]), expect: PAGE },
        Row {
            method: "POST",
            path: "list_grants",
            call: ServerFn("list_grants", PAGE_ARGS),
            expect: NO_INSTITUTE_PAGE,
        },
        Row {
            method: "POST",
            path: "list_activities",
            call: ServerFn("list_activities", PAGE_ARGS),
            expect: PAGE,
        },
        Row {
            method: "POST",
            path: "get_activity",
            call: ServerFn("get_activity", &[("id", "ml_workshop_2018")]),
            expect: [401, 200, 200, 200, 200, 403, 200, 403],
        },
        Row {
            method: "POST",
            path: "list_institutes",
            call: ServerFn("list_institutes", PAGE_ARGS),
            expect: PAGE,
        },
        Row {
            method: "POST",
            path: "list_equipment",
            call: ServerFn("list_equipment", PAGE_ARGS),
            expect: PAGE,
        },
        Row {
            method: "POST",
            path: "list_audit_events",
            call: ServerFn("list_audit_events", PAGE_ARGS),
            expect: AUDIT_PAGE,
        },
        Row {
            method: "POST",
            path: "get_audit_users",
            call: ServerFn("get_audit_users", &[]),
            expect: AUDIT_PAGE,
        },
        Row {
            method: "POST",
            path: "verify_audit_chain",
            call: ServerFn("verify_audit_chain", &[]),
            expect: AUDIT_PAGE,
        },
        Row {
            method: "POST",
            path: "list_users",
            call: ServerFn("list_users", &[]),
            expect: ADMIN_ONLY_PAGE,
        },
        Row {
            method: "POST",
            path: "get_user_form_options",
            call: ServerFn("get_user_form_options", &[]),
            expect: ADMIN_ONLY_PAGE,
        },
        Row {
            method: "POST",
            path: "take_admin_flash",
            call: ServerFn("take_admin_flash", &[]),
            expect: ADMIN_ONLY_PAGE,
        },
        Row {
            method: "POST",
            path: "set_language_preference",
            call: ServerFn("set_language_preference", &[("locale", "En")]),
            expect: EVERYONE,
        },
        Row { method: "GET", path: "/healthz", call: Get("/healthz"), expect: EVERYONE },
        // Only with the token of the server's control file (tests/api/backup.rs): a session,
        // even an admin's, grants nothing.
        Row { method: "POST", path: "/ops/backup", call: Post("/ops/backup", &[]), expect: [401; 8] },
        Row {
            method: "POST",
            path: "/lang",
            call: Post("/lang", &[("lang", "en"), ("next", "/")]),
            expect: EVERYONE_REDIRECT,
        },
        Row {
            method: "POST",
            path: "/login",
            call: Post(
                "/login",
                &[("email", "nobody@example.org"), ("password", "wrong password"), ("next", "/")],
            ),
            expect: EVERYONE_REDIRECT,
        },
        Row {
            method: "POST",
            path: "/account/password",
            call: Post("/account/password", &[("current", "wrong"), ("new", "x"), ("confirm", "x")]),
            expect: [401, 303, 303, 303, 303, 303, 303, 303],
        },
        Row {
            method: "POST",
            path: "/admin/users",
            call: Post(
                "/admin/users",
                &[
                    ("email", "matrix@example.org"),
                    ("name", "Matrix"),
                    ("role", "auditor"),
                    ("language", "en"),
                ],
            ),
            expect: ADMIN_ONLY_POST,
        },
        Row {
            method: "POST",
            path: "/admin/users/{id}/deactivate",
            call: Post("/admin/users/{user}/deactivate", &[]),
            expect: ADMIN_ONLY_POST,
        },
        Row {
            method: "POST",
            path: "/admin/users/{id}/activate",
            call: Post("/admin/users/{user}/activate", &[]),
            expect: ADMIN_ONLY_POST,
        },
        Row {
            method: "POST",
            path: "/admin/users/{id}/reset-password",
            call: Post("/admin/users/{user}/reset-password", &[]),
            expect: ADMIN_ONLY_POST,
        },
        // Last, as it ends the caller's session.
        Row { method: "POST", path: "/logout", call: Post("/logout", &[]), expect: EVERYONE_REDIRECT },
    ])
    .collect()
}
