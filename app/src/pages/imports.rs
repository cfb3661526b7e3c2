//! Importing activities and the equipment register from CSV: the upload forms, then the check
//! of every row with the confirmation. Plain forms: the pages work before the WASM loads.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::{get_import_kinds, get_import_preview};
use crate::components::i18n::{tr, tr_fmt};
use crate::components::{ErrorView, PageHeader, loading};
use crate::domain::exports::ExportKind;
use crate::domain::imports::{IMPORTABLE, ImportPreview, ImportRow, RowStatus, file_codes};
use crate::i18n::{Msg, fmt_int};

#[component]
pub fn ImportsPage() -> impl IntoView {
    let query = use_query_map();
    let error = move || {
        query.read().get("error").map(|e| match e.as_str() {
            "not_csv" => Msg::ImportsNotCsv,
            _ => Msg::ImportsEmpty,
        })
    };
    // Editors only: the server says so (and sets the page's status).
    let allowed = Resource::new(|| (), |_| async { get_import_kinds().await });
    view! {
        <PageHeader title=Msg::ImportsTitle intro=Msg::ImportsIntro/>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match allowed.await {
                    Ok(_) => upload_form(error()).into_any(),
                    Err(error) => view! { <ErrorView error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn upload_form(error: Option<Msg>) -> impl IntoView {
    let forms = IMPORTABLE
        .into_iter()
        .map(|kind| {
            let slug = kind.slug();
            let title = match kind {
                ExportKind::Activities => Msg::ExportActivities,
                _ => Msg::ExportEquipment,
            };
            view! {
                <section class="card">
                    <h2>{tr(title)}</h2>
                    <form method="post" action=format!("/imports/{slug}") enctype="multipart/form-data" class="upload-form">
                        <label for=format!("import-{slug}")>{tr(Msg::ImportsFile)}</label>
                        <input id=format!("import-{slug}") type="file" name="file" accept=".csv,text/csv" required/>
                        <button type="submit" class="button" data-testid=format!("import-upload-{slug}")>
                            {tr(Msg::ImportsUpload)}
                        </button>
                    </form>
                    <p>
                        <a href=format!("/imports/templates/{slug}.csv") download data-testid=format!("import-template-{slug}")>
                            {tr(Msg::ImportsTemplate)}
                        </a>
                        " (" <code>{format!("{slug}.csv")}</code> ")"
                    </p>
                </section>
            }
        })
        .collect_view();
    view! {
        {error.map(|msg| view! { <p class="notice notice-error" role="alert">{tr(msg)}</p> })}
        {forms}
    }
}

#[component]
pub fn ImportPreviewPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let refused = move || query.read().get("error").is_some_and(|e| e == "refused");
    let preview = Resource::new(id, |id| async move { get_import_preview(id).await });
    view! {
        <PageHeader title=Msg::ImportPreviewTitle intro=Msg::ImportsIntro/>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match preview.await {
                    Ok(preview) => preview_view(preview, refused()).into_any(),
                    Err(error) => view! { <ErrorView error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn preview_view(preview: ImportPreview, refused: bool) -> impl IntoView {
    let file_error = preview.file_error.as_deref().map(|code| match code {
        file_codes::MISSING_COLUMN => Msg::ImportsMissingColumn,
        file_codes::TOO_MANY => Msg::ImportsTooMany,
        file_codes::NOT_CSV => Msg::ImportsNotCsv,
        _ => Msg::ImportsEmpty,
    });
    let saved = preview.saved;
    let summary = if let Some(n) = saved {
        Some(
            view! {
                <p class="notice notice-ok" role="status" data-testid="import-saved">
                    {tr(Msg::ImportSaved)} " " <strong>{tr_fmt(move |l| fmt_int(l, n))}</strong>
                </p>
            }
            .into_any(),
        )
    } else if refused {
        Some(view! { <p class="notice notice-error" role="alert">{tr(Msg::ImportRefused)}</p> }.into_any())
    } else if let Some(msg) = file_error {
        Some(view! { <p class="notice notice-error" role="alert" data-testid="import-file-error">{tr(msg)}</p> }.into_any())
    } else if preview.invalid_rows() > 0 {
        Some(view! { <p class="notice notice-error" role="alert" data-testid="import-refused">{tr(Msg::ImportNothingSaved)}</p> }.into_any())
    } else if preview.new_rows() == 0 {
        Some(
            view! { <p class="notice" data-testid="import-nothing-new">{tr(Msg::ImportNothingNew)}</p> }
                .into_any(),
        )
    } else {
        None
    };
    let confirm = preview.can_confirm().then(|| {
        let count = preview.new_rows() as u64;
        view! {
            <form method="post" action=format!("/imports/{}/confirm", preview.id) class="form-actions">
                <button type="submit" class="button" data-testid="import-confirm">
                    {tr(Msg::ImportConfirm)} " (" {tr_fmt(move |l| fmt_int(l, count))} ")"
                </button>
            </form>
        }
    });
    let rows = preview.rows.into_iter().map(row_view).collect_view();
    view! {
        {summary}
        <p><strong>{preview.file_name}</strong></p>
        <div class="table-wrap">
            <table class="data" data-testid="import-rows">
                <thead>
                    <tr>
                        <th scope="col" class="num">{tr(Msg::ColLine)}</th>
                        <th scope="col">"id"</th>
                        <th scope="col">{tr(Msg::ColTitle)}</th>
                        <th scope="col">{tr(Msg::ColStatus)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        {confirm}
        <p><a href="/imports">{tr(Msg::ImportAnother)}</a></p>
    }
}

fn row_view(row: ImportRow) -> impl IntoView {
    let ImportRow { line, key, label, status } = row;
    let (class, status) = match status {
        RowStatus::New => ("import-new", tr(Msg::ImportRowNew).into_any()),
        RowStatus::Existing => ("import-existing", tr(Msg::ImportRowExisting).into_any()),
        RowStatus::Repeated => ("import-repeated", tr(Msg::ImportRowRepeated).into_any()),
        RowStatus::Invalid(errors) => {
            let items = errors
                .into_iter()
                .map(|e| {
                    let message = e.message.clone();
                    view! { <li><code>{e.field}</code> ": " {tr_fmt(move |l| crate::i18n::field_error_text(l, &message))}</li> }
                })
                .collect_view();
            (
                "import-invalid",
                view! { <strong>{tr(Msg::ImportRowInvalid)}</strong> <ul>{items}</ul> }.into_any(),
            )
        }
    };
    view! {
        <tr class=class data-testid=format!("import-line-{line}")>
            <td class="num">{line}</td>
            <td><code>{key}</code></td>
            <td>{label}</td>
            <td>{status}</td>
        </tr>
    }
}
