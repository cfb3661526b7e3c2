//! The rows of the imports and the CSV exports.

use super::super::{Call, Row};
use super::{DONOR_EXPORT, EDITORS_PAGE, EDITORS_POST, HANDOVER_EXPORT, PAGE, STAFF_EXPORT, STAFF_PAGE};

pub(super) fn rows() -> Vec<Row> {
    use Call::*;
    vec![
        // Imports: editors only, each upload its uploader's (the demo has none: 404).
        Row { method: "GET", path: "/imports", call: Page("/imports"), expect: EDITORS_PAGE },
        Row {
            method: "POST",
            path: "get_import_kinds",
            call: ServerFn("get_import_kinds", &[]),
            expect: EDITORS_PAGE,
        },
        Row {
            method: "GET",
            path: "/imports/{id}",
            call: Page("/imports/none"),
            expect: [401, 404, 404, 403, 403, 403, 403, 403],
        },
        Row {
            method: "POST",
            path: "get_import_preview",
            call: ServerFn("get_import_preview", &[("id", "none")]),
            expect: [401, 404, 404, 403, 403, 403, 403, 403],
        },
        // A form that is not a file upload is sent back to the import page: nothing is kept.
        Row {
            method: "POST",
            path: "/imports/{id}",
            call: Post("/imports/equipment", &[]),
            expect: EDITORS_POST,
        },
        Row {
            method: "POST",
            path: "/imports/{id}/confirm",
            call: Post("/imports/none/confirm", &[]),
            expect: [401, 404, 404, 403, 403, 403, 403, 403],
        },
        Row {
            method: "GET",
            path: "/imports/templates/{file}",
            call: Get("/imports/templates/equipment.csv"),
            expect: EDITORS_PAGE,
        },
        // Every CSV export (docs/exports.md): donors only about their grants, institutes only
        // their handovers; a donor's or an institute's rows are narrowed in tests/api/exports.rs.
        Row {
            method: "GET",
            path: "/exports/{file}",
            call: Get("/exports/donors.csv"),
            expect: DONOR_EXPORT,
        },
        Row {
            method: "GET",
            path: "/exports/{file}",
            call: Get("/exports/grants.csv"),
            expect: DONOR_EXPORT,
        },
        Row {
            method: "GET",
            path: "/exports/{file}",
            call: Get("/exports/transactions.csv"),
            expect: DONOR_EXPORT,
        },
        Row {
            method: "GET",
            path: "/exports/{file}",
            call: Get("/exports/activities.csv"),
            expect: DONOR_EXPORT,
        },
        Row {
            method: "GET",
            path: "/exports/iati/{file}",
            call: Get("/exports/iati/activities.xml"),
            expect: DONOR_EXPORT,
        },
        Row {
            method: "GET",
            path: "/exports/{file}",
            call: Get("/exports/participants.csv"),
            expect: DONOR_EXPORT,
        },
        Row {
            method: "GET",
            path: "/exports/{file}",
            call: Get("/exports/institutes.csv"),
            expect: DONOR_EXPORT,
        },
        Row {
            method: "GET",
            path: "/exports/{file}",
            call: Get("/exports/indicators.csv"),
            expect: STAFF_EXPORT,
        },
        Row {
            method: "GET",
            path: "/exports/{file}",
            call: Get("/exports/equipment.csv"),
            expect: DONOR_EXPORT,
        },
        Row {
            method: "GET",
            path: "/exports/{file}",
            call: Get("/exports/handovers.csv"),
            expect: HANDOVER_EXPORT,
        },
        Row {
            method: "GET",
            path: "/exports/{file}",
            call: Get("/exports/confirmations.csv"),
            expect: HANDOVER_EXPORT,
        },
        Row {
            method: "GET",
            path: "/exports/{file}",
            call: Get("/exports/equipment-states.csv"),
            expect: DONOR_EXPORT,
        },
        Row {
            method: "GET",
            path: "/exports/{file}",
            call: Get("/exports/audit-log.csv"),
            expect: STAFF_EXPORT,
        },
        Row { method: "GET", path: "/activities/new", call: Page("/activities/new"), expect: EDITORS_PAGE },
        Row {
            method: "GET",
            path: "/activities/{id}/edit",
            call: Page("/activities/ml_workshop_2018/edit"),
            expect: EDITORS_PAGE,
        },
        Row {
            method: "POST",
            path: "get_activity_edit",
            call: ServerFn("get_activity_edit", &[("id", "ml_workshop_2018")]),
            expect: EDITORS_PAGE,
        },
        Row {
            method: "POST",
            path: "get_activity_form_options",
            call: ServerFn("get_activity_form_options", &[]),
            expect: EDITORS_PAGE,
        },
        Row { method: "GET", path: "/indicators", call: Page("/indicators"), expect: PAGE },
        Row { method: "POST", path: "list_indicators", call: ServerFn("list_indicators", &[]), expect: PAGE },
        Row {
            method: "POST",
            path: "get_activity_filter_options",
            call: ServerFn("get_activity_filter_options", &[]),
            expect: PAGE,
        },
        Row {
            method: "POST",
            path: "get_activity_history",
            call: ServerFn("get_activity_history", &[("id", "ml_workshop_2018")]),
            // The Netherlands paid for the workshop and ML-ENP sent people; Germany and ML-INFJ
            // had no part in it.
            expect: [401, 200, 200, 200, 200, 403, 200, 403],
        },
        Row {
            method: "POST",
            path: "take_form_state",
            call: ServerFn("take_form_state", &[("form", "activity:new")]),
            expect: PAGE,
        },
        Row { method: "GET", path: "/records", call: Page("/records"), expect: STAFF_PAGE },
    ]
}
