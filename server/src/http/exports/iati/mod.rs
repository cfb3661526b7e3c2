//! `GET /exports/iati/{activities,organisation}.xml`: the programme as IATI 2.03 files, for the
//! same filters, scope and rights as the CSV exports.
//!
//! They are written from the same rows as `activities.csv`, `transactions.csv`, `grants.csv` and
//! `donors.csv` (`db::exports::Reader`), so their figures are the CSVs': amounts come from the
//! stored minor units through the CSVs' own formatting, never through floating point. The
//! activities file is written as it is read, a batch of activities at a time (`activities`);
//! the organisation file holds a budget per year and currency and is written whole
//! (`organisation`).

mod activities;
mod context;
mod grants;
mod organisation;
mod programme;
mod xml;

use app::domain::Scope;
use app::domain::exports::ExportFilter;
use app::error::AppError;

use self::activities::ActivitiesFile;
use crate::config::IatiSettings;
use crate::db::Db;

/// Which IATI file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IatiKind {
    Activities,
    Organisation,
}

impl IatiKind {
    /// The file named `name` in the address (`activities.xml`).
    pub fn from_file(name: &str) -> Option<Self> {
        match name {
            "activities.xml" => Some(Self::Activities),
            "organisation.xml" => Some(Self::Organisation),
            _ => None,
        }
    }

    pub fn slug(self) -> &'static str {
        match self {
            Self::Activities => "activities",
            Self::Organisation => "organisation",
        }
    }
}

/// One IATI file, chunk by chunk, like `CsvExport`.
pub enum IatiExport {
    Activities(Box<ActivitiesFile>),
    /// Written whole at opening (a budget per year and currency); the count is of budgets.
    Organisation {
        bytes: Option<Vec<u8>>,
        items: u64,
    },
}

impl IatiExport {
    pub async fn open(
        db: &Db,
        settings: &IatiSettings,
        kind: IatiKind,
        filter: &ExportFilter,
        scope: &Scope,
    ) -> Result<Self, AppError> {
        Ok(match kind {
            IatiKind::Activities => {
                Self::Activities(Box::new(ActivitiesFile::open(db, settings, filter, scope).await?))
            }
            IatiKind::Organisation => {
                let (bytes, items) = organisation::write(db, settings, filter, scope).await?;
                Self::Organisation { bytes: Some(bytes), items }
            }
        })
    }

    /// The next bytes of the file, or `None` at its end.
    pub async fn next_chunk(&mut self) -> Result<Option<Vec<u8>>, AppError> {
        match self {
            Self::Activities(file) => file.next_chunk().await,
            Self::Organisation { bytes, .. } => Ok(bytes.take()),
        }
    }

    /// The activities (grants included) or yearly budgets written so far.
    pub fn items(&self) -> u64 {
        match self {
            Self::Activities(file) => file.items(),
            Self::Organisation { items, .. } => *items,
        }
    }
}
