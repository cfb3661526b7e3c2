//! The records that tie a stored file (`crate::files`) to its activity or handover, each
//! written with its audit event in one transaction.

use surrealdb::types::{RecordId, SurrealValue};

use app::domain::CurrentUser;

use super::Db;
use super::audit::{APPEND_EVENT, SaveError, actor, audited, execute, new_key};

/// What a file is attached to: an activity (photos, attendance sheets) or a handover (a photo of
/// what arrived).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner<'a> {
    Activity(&'a str),
    Handover(&'a str),
}

impl Owner<'_> {
    /// The attachment's field that names the owner, and the owner's table.
    pub fn field(self) -> &'static str {
        match self {
            Owner::Activity(_) => "activity",
            Owner::Handover(_) => "handover",
        }
    }

    pub fn id(self) -> RecordId {
        match self {
            Owner::Activity(key) => RecordId::new("activity", key),
            Owner::Handover(key) => RecordId::new("handover", key),
        }
    }
}

/// A stored file as its attachment record names it.
#[derive(Debug, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
pub struct Stored {
    pub name: String,
    pub content_type: String,
    pub sha256: String,
}

/// Whether `owner` is archived; `None` if there is no such record.
pub async fn archived(db: &Db, owner: Owner<'_>) -> Result<Option<bool>, surrealdb::Error> {
    let mut response =
        db.query("SELECT VALUE archived FROM ONLY $owner;").bind(("owner", owner.id())).await?;
    Ok(response.take(0).unwrap_or(None))
}

/// Records the file `stored` (of `size` bytes) against `owner`, with its audit event; refused
/// (`NotFound`) if the owner is archived or gone by then.
pub async fn attach(
    db: &Db,
    user: &CurrentUser,
    owner: Owner<'_>,
    stored: &Stored,
    size: usize,
) -> Result<(), SaveError> {
    let field = owner.field();
    let sql = format!(
        "BEGIN TRANSACTION;
         IF (SELECT VALUE archived FROM ONLY $owner) != false {{ THROW 'aidtrail:not_found' }};
         LET $after = (CREATE ONLY $id CONTENT {{
             {field}: $owner, name: $name, content_type: $content_type, size: $size, sha256: $sha256,
             uploaded_by: $actor, uploaded_at: time::now()
         }});
         LET $action = 'create';
         LET $record = <string> $id;
         LET $before_text = NONE;
         LET $after_text = <string> $after;
         {APPEND_EVENT}
         COMMIT TRANSACTION;"
    );
    let bindings = vec![
        ("id", RecordId::new("attachment", new_key().as_str()).into_value()),
        ("owner", owner.id().into_value()),
        ("name", stored.name.clone().into_value()),
        ("content_type", stored.content_type.clone().into_value()),
        ("size", (size as i64).into_value()),
        ("sha256", stored.sha256.clone().into_value()),
        ("actor", actor(user).into_value()),
        ("reason", None::<String>.into_value()),
    ];
    execute(db, &sql, bindings, |_| None).await
}

/// The attachment `file` of `owner`, unless archived.
pub async fn find(db: &Db, owner: Owner<'_>, file: &str) -> Result<Option<Stored>, surrealdb::Error> {
    let sql = format!(
        "SELECT name, content_type, sha256 FROM ONLY $id WHERE {} = $owner AND archived = false;",
        owner.field()
    );
    let mut response =
        db.query(sql).bind(("id", RecordId::new("attachment", file))).bind(("owner", owner.id())).await?;
    Ok(response.take(0).unwrap_or(None))
}

/// Marks the attachment `file` of `activity` public (or not), with its audit event; refused
/// (`NotFound`) if either is archived or gone, or the file is not the activity's.
pub async fn set_public(
    db: &Db,
    user: &CurrentUser,
    activity: &str,
    file: &str,
    public: bool,
) -> Result<(), SaveError> {
    let sql = format!(
        "BEGIN TRANSACTION;
         IF (SELECT VALUE archived FROM ONLY $owner) != false {{ THROW 'aidtrail:not_found' }};
         LET $before = (SELECT * FROM ONLY $id WHERE activity = $owner AND archived = false);
         IF $before = NONE {{ THROW 'aidtrail:not_found' }};
         LET $after = (UPDATE ONLY $id SET public = $public, version += 1 RETURN AFTER);
         {}
         COMMIT TRANSACTION;",
        audited("update", false)
    );
    let bindings = vec![
        ("id", RecordId::new("attachment", file).into_value()),
        ("owner", RecordId::new("activity", activity).into_value()),
        ("public", public.into_value()),
        ("actor", actor(user).into_value()),
        ("reason", None::<String>.into_value()),
    ];
    execute(db, &sql, bindings, |_| None).await
}

/// A public attachment: its file, to anyone, while neither it nor its activity is archived.
pub async fn find_public(db: &Db, file: &str) -> Result<Option<Stored>, surrealdb::Error> {
    let mut response = db
        .query(
            "SELECT name, content_type, sha256 FROM ONLY $id
             WHERE public = true AND archived = false AND activity != NONE AND activity.archived = false;",
        )
        .bind(("id", RecordId::new("attachment", file)))
        .await?;
    Ok(response.take(0).unwrap_or(None))
}

/// A public attachment as the IATI file links to it.
#[derive(Debug, Clone, SurrealValue)]
#[surreal(crate = "surrealdb::types")]
pub struct PublicFile {
    pub key: String,
    pub activity: String,
    pub name: String,
    pub content_type: String,
    /// `YYYY-MM-DD`.
    pub uploaded_on: String,
}

/// The public attachments of `activities`, oldest first.
pub async fn public_of(db: &Db, activities: Vec<RecordId>) -> Result<Vec<PublicFile>, surrealdb::Error> {
    let mut response = db
        .query(
            "SELECT record::id(id) AS key, record::id(activity) AS activity, name, content_type,
                    time::format(uploaded_at, '%Y-%m-%d') AS uploaded_on
             FROM attachment WITH INDEX attachment_public
             WHERE activity IN $activities AND public = true AND archived = false
             ORDER BY uploaded_on, key;",
        )
        .bind(("activities", activities))
        .await?;
    response.take(0)
}
