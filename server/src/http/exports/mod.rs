//! `GET /exports/{file}.csv`: the CSV exports, written as they are read (see
//! `db::exports`), to the users allowed each file and within their scope; and
//! `GET /exports/package.zip`, all of them with a manifest (see `package`).

mod cells;
pub mod iati;
pub mod package;

use axum::body::{Body, Bytes};
use axum::extract::{Path, RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use surrealdb::types::Value;

use app::domain::exports::{Column, ColumnKind, ExportFilter, ExportKind};
use app::domain::{CurrentUser, Scope};
use app::error::AppError;

use self::cells::cell;
use crate::db::Db;
use crate::state::AppState;

/// The byte-order mark that tells Excel a file is UTF-8.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Writes rows of cells as CSV: RFC 4180 quoting, CRLF line ends, formula-like text neutralised,
/// each value written according to its column.
pub struct CsvRows {
    columns: &'static [Column],
    /// For each amount column, the index of its currency column.
    currencies: Vec<Option<usize>>,
    /// The bytes written since the last `take`.
    buffer: Vec<u8>,
    /// Rows written so far.
    pub written: u64,
}

impl CsvRows {
    pub fn new(kind: ExportKind) -> Self {
        let columns = kind.columns();
        let currencies = columns
            .iter()
            .map(|c| match c.kind {
                ColumnKind::Amount(currency) => columns.iter().position(|o| o.name == currency),
                _ => None,
            })
            .collect();
        Self { columns, currencies, buffer: Vec::new(), written: 0 }
    }

    /// The header row.
    pub fn header(&mut self) -> Result<(), csv::Error> {
        let mut writer = self.writer();
        writer.write_record(self.columns.iter().map(|c| c.name))?;
        self.buffer = writer.into_inner().map_err(|e| csv::Error::from(e.into_error()))?;
        Ok(())
    }

    /// Rows of cells; missing cells are left empty.
    pub fn rows(&mut self, rows: &[Vec<Value>]) -> Result<(), csv::Error> {
        let mut writer = self.writer();
        for cells in rows {
            let currency = |i: Option<usize>| match i.and_then(|i| cells.get(i)) {
                Some(Value::String(s)) => Some(s.as_str()),
                _ => None,
            };
            for (i, column) in self.columns.iter().enumerate() {
                let text =
                    cell(column.kind, cells.get(i).unwrap_or(&Value::None), currency(self.currencies[i]));
                writer.write_field(text.as_bytes())?;
            }
            writer.write_record(None::<&[u8]>)?;
        }
        self.written += rows.len() as u64;
        self.buffer = writer.into_inner().map_err(|e| csv::Error::from(e.into_error()))?;
        Ok(())
    }

    /// A writer appending to the buffer (given back with `into_inner`).
    fn writer(&mut self) -> csv::Writer<Vec<u8>> {
        csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(std::mem::take(&mut self.buffer))
    }

    /// The bytes written since the last call.
    pub fn take(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.buffer)
    }
}

/// The filters of an export's address (leniently: what is not understood is left out).
fn filter_of(query: Option<&str>) -> ExportFilter {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query.unwrap_or("")).unwrap_or_default();
    ExportFilter::from_query(|k| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()))
}

/// The filter a user actually gets: a donor's files are narrowed to the donor whatever the
/// address says; an institute's by its scope.
pub fn effective_filter(user: &CurrentUser, mut filter: ExportFilter) -> ExportFilter {
    if let Scope::Donor(donor) = user.scope() {
        filter.donor = Some(donor);
    }
    filter
}

/// Checks that `user` may download `kind`.
pub fn allowed(user: Option<&CurrentUser>, kind: ExportKind) -> Result<&CurrentUser, AppError> {
    let user = user.ok_or(AppError::Unauthorized)?;
    if user.must_change_password || !kind.allowed_for(user.role) {
        return Err(AppError::Forbidden);
    }
    Ok(user)
}

/// One export as CSV, chunk by chunk: the header (after the byte-order mark, if asked for),
/// then one chunk per batch read.
pub struct CsvExport {
    reader: crate::db::exports::Reader,
    csv: CsvRows,
    bom: bool,
    started: bool,
}

impl CsvExport {
    pub async fn open(
        db: &Db,
        kind: ExportKind,
        filter: &ExportFilter,
        scope: &Scope,
    ) -> Result<Self, AppError> {
        let reader = crate::db::exports::Reader::open(db, kind, filter, scope).await?;
        Ok(Self { reader, csv: CsvRows::new(kind), bom: filter.bom, started: false })
    }

    /// The next bytes of the file, or `None` at its end.
    pub async fn next_chunk(&mut self) -> Result<Option<Vec<u8>>, AppError> {
        let failed = |error: csv::Error| {
            tracing::error!(%error, "writing a CSV row failed");
            AppError::Internal
        };
        if !self.started {
            self.started = true;
            let mut bytes = if self.bom { BOM.to_vec() } else { Vec::new() };
            self.csv.header().map_err(failed)?;
            bytes.extend(self.csv.take());
            return Ok(Some(bytes));
        }
        let Some(rows) = self.reader.next().await? else { return Ok(None) };
        self.csv.rows(&rows).map_err(failed)?;
        Ok(Some(self.csv.take()))
    }

    /// Rows written so far (not counting the header).
    pub fn rows(&self) -> u64 {
        self.csv.written
    }
}

/// `GET /exports/{file}`: `file` is `<export>.csv`.
pub async fn download(
    State(state): State<AppState>,
    user: Option<axum::Extension<CurrentUser>>,
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let Some(axum::Extension(user)) = user else { return StatusCode::UNAUTHORIZED.into_response() };
    let filter = effective_filter(&user, filter_of(query.as_deref()));
    let day = chrono::Utc::now().format("%Y%m%d");
    // A small channel between the writing task and the response: the writer waits while the
    // network is slower than the database, so memory stays at a few batches.
    let (sender, receiver) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(2);
    let (content_type, name) = if file == "package.zip" {
        if !package::allowed(&user) {
            return StatusCode::FORBIDDEN.into_response();
        }
        let (db, iati) = (state.db.clone(), state.iati.clone());
        tokio::spawn(async move {
            if let Err(error) = package::write(&db, &iati, &user, &filter, &sender).await {
                let _ = sender.send(Err(std::io::Error::other(error.to_string()))).await;
            }
        });
        ("application/zip", format!("aidtrail-audit-package-{day}.zip"))
    } else {
        let Some(kind) = file.strip_suffix(".csv").and_then(ExportKind::from_slug) else {
            return StatusCode::NOT_FOUND.into_response();
        };
        if let Err(error) = allowed(Some(&user), kind) {
            return StatusCode::from_u16(error.status()).unwrap_or(StatusCode::FORBIDDEN).into_response();
        }
        let export = match CsvExport::open(&state.db, kind, &filter, &user.scope()).await {
            Ok(export) => FileExport::Csv(Box::new(export)),
            Err(error) => return error_status(&error),
        };
        spawn_writer(export, sender);
        ("text/csv; charset=utf-8", format!("aidtrail-{}-{day}.csv", kind.slug()))
    };
    streamed(receiver, content_type, &name)
}

/// The status of a failure before anything was sent.
fn error_status(error: &AppError) -> Response {
    StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR).into_response()
}

type Chunks = tokio::sync::mpsc::Sender<Result<Bytes, std::io::Error>>;

/// A CSV or an IATI file, chunk by chunk.
pub enum FileExport {
    Csv(Box<CsvExport>),
    Iati(iati::IatiExport),
}

impl FileExport {
    /// The next bytes of the file, or `None` at its end.
    pub async fn next_chunk(&mut self) -> Result<Option<Vec<u8>>, AppError> {
        match self {
            Self::Csv(export) => export.next_chunk().await,
            Self::Iati(export) => export.next_chunk().await,
        }
    }

    /// Rows (CSV) or activities and budgets (IATI) written so far.
    pub fn items(&self) -> u64 {
        match self {
            Self::Csv(export) => export.rows(),
            Self::Iati(export) => export.items(),
        }
    }
}

/// Writes `export` into `sender` from a task of its own, until the end or until the reader
/// has gone.
fn spawn_writer(mut export: FileExport, sender: Chunks) {
    tokio::spawn(async move {
        loop {
            match export.next_chunk().await {
                Ok(Some(bytes)) => {
                    if sender.send(Ok(Bytes::from(bytes))).await.is_err() {
                        break; // The reader has gone.
                    }
                }
                Ok(None) => break,
                Err(error) => {
                    // The header is sent already: end the body with an error so that the
                    // download is marked failed rather than silently short.
                    let _ = sender.send(Err(std::io::Error::other(error.to_string()))).await;
                    break;
                }
            }
        }
    });
}

/// The response whose body is what arrives on `receiver`, as a download named `name`.
fn streamed(
    mut receiver: tokio::sync::mpsc::Receiver<Result<Bytes, std::io::Error>>,
    content_type: &str,
    name: &str,
) -> Response {
    let stream = futures::stream::poll_fn(move |cx| receiver.poll_recv(cx));
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        Body::from_stream(stream),
    )
        .into_response()
}

/// `GET /exports/iati/{activities,organisation}.xml`: the IATI files for the same filters as the CSVs, to
/// those who may download the activities and transactions (a donor within its grants; an
/// institute not at all).
pub async fn iati_download(
    State(state): State<AppState>,
    user: Option<axum::Extension<CurrentUser>>,
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let Some(axum::Extension(user)) = user else { return StatusCode::UNAUTHORIZED.into_response() };
    let Some(kind) = iati::IatiKind::from_file(&file) else { return StatusCode::NOT_FOUND.into_response() };
    for export in [ExportKind::Activities, ExportKind::Transactions] {
        if let Err(error) = allowed(Some(&user), export) {
            return StatusCode::from_u16(error.status()).unwrap_or(StatusCode::FORBIDDEN).into_response();
        }
    }
    if matches!(user.scope(), Scope::Institute(_)) {
        return StatusCode::FORBIDDEN.into_response();
    }
    let filter = effective_filter(&user, filter_of(query.as_deref()));
    let export = match iati::IatiExport::open(&state.db, &state.iati, kind, &filter, &user.scope()).await {
        Ok(export) => FileExport::Iati(export),
        Err(error) => return error_status(&error),
    };
    let (sender, receiver) = tokio::sync::mpsc::channel(2);
    spawn_writer(export, sender);
    let day = chrono::Utc::now().format("%Y%m%d");
    streamed(receiver, "application/xml; charset=utf-8", &format!("aidtrail-iati-{}-{day}.xml", kind.slug()))
}

#[cfg(test)]
mod tests {
    use super::cells::units;
    use super::*;
    use surrealdb::types::SurrealValue;

    fn parse(bytes: &[u8]) -> Vec<Vec<String>> {
        csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(bytes)
            .records()
            .map(|r| r.unwrap().iter().map(str::to_owned).collect())
            .collect()
    }

    #[test]
    fn amounts_are_written_in_units_of_their_currency_and_stay_numbers() {
        assert_eq!(units(123450, 2), "1234.50");
        assert_eq!(units(-5, 2), "-0.05");
        assert_eq!(units(150000, 0), "150000");
        let mut csv = CsvRows::new(ExportKind::Transactions);
        let mut cells = vec![Value::None; ExportKind::Transactions.columns().len()];
        cells[5] = (-250_000_i64).into_value(); // amount
        cells[6] = "XOF".to_owned().into_value(); // currency
        cells[8] = 3_850_000_i64.into_value(); // amount_grant
        cells[9] = "EUR".to_owned().into_value(); // grant_currency
        cells[11] = 123_i64.into_value(); // amount_eur
        cells[17] = "=cmd|' /C calc'!A0".to_owned().into_value(); // description
        csv.rows(&[cells]).unwrap();
        let rows = parse(&csv.take());
        assert_eq!(rows[0][5], "-250000", "a negative amount stays a number");
        assert_eq!(rows[0][8], "38500.00");
        assert_eq!(rows[0][11], "1.23");
        assert_eq!(rows[0][17], "'=cmd|' /C calc'!A0");
    }

    #[test]
    fn text_with_quotes_commas_and_line_breaks_round_trips() {
        let corpus = [
            "=1+2",
            "+221 77",
            "-x",
            "@SUM(1)",
            "\tTab",
            "\rCR",
            "\nLF",
            "He said \"yes\", then left",
            "line one\r\nline two",
            "Ségou, École nationale",
            "שלום עולם",
            "مرحبا بالعالم",
            "",
        ];
        let mut csv = CsvRows::new(ExportKind::Institutes);
        let rows: Vec<Vec<Value>> = corpus
            .iter()
            .map(|text| {
                let mut cells = vec![Value::None; 7];
                cells[2] = (*text).to_owned().into_value();
                cells
            })
            .collect();
        csv.rows(&rows).unwrap();
        let rows = parse(&csv.take());
        for (row, text) in rows.iter().zip(corpus) {
            assert!(!row[2].starts_with(['=', '+', '-', '@', '\t', '\r', '\n']), "{:?}", row[2]);
            assert_eq!(app::domain::exports::restore(&row[2]), text);
        }
    }
}
