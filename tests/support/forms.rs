//! Forms and uploads as a browser sends them, shared by the benches and the crash harness: a new
//! activity, an expenditure, an equipment import.

use std::net::SocketAddr;

use crate::workshop_edit;

/// The demo workshop's form with `changes`, as a new activity (no version).
pub fn new_activity(changes: &[(&str, &str)]) -> Vec<(String, String)> {
    workshop_edit("", changes)
        .into_iter()
        .filter(|(k, _)| *k != "version")
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

/// An expenditure of 0.01 EUR on `grant`, described by `description`.
pub fn expenditure(grant: &str, description: &str) -> Vec<(String, String)> {
    [
        ("donor_grant", grant),
        ("kind", "4"),
        ("value_date", "2018-06-15"),
        ("currency", "EUR"),
        ("amount_minor", "0.01"),
        ("rate_to_grant", "1"),
        ("rate_to_eur", "1"),
        ("provider", "UNODC"),
        ("receiver", "Hotel, Bamako"),
        ("description", description),
        ("notation", "en"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect()
}

/// An equipment import of `rows` chairs on the German grant, each described by `marker` and its
/// number (`{marker} chair {i}`).
pub fn chairs_csv(marker: &str, rows: usize) -> String {
    let mut csv = String::from(
        "id,grant_id,category,description,description_fr,quantity,unit_cost,currency,supplier,serials,purchase_date,transaction_id,next_verification_on\r\n",
    );
    for row in 0..rows {
        csv.push_str(&format!(
            ",de_2017,other,{marker} chair {row},{marker} chaise {row},1,1.00,EUR,Bamako,,2018-06-01,,\r\n"
        ));
    }
    csv
}

/// Uploads an equipment file for checking: the checked upload's page (`/imports/{id}`), whose
/// `/confirm` saves it; or what the server answered instead.
pub async fn upload_equipment(
    client: &reqwest::Client,
    addr: SocketAddr,
    csv: String,
) -> Result<String, String> {
    let part = reqwest::multipart::Part::bytes(csv.into_bytes()).file_name("equipment.csv");
    let response = client
        .post(format!("http://{addr}/imports/equipment"))
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let location = response.headers().get("location").and_then(|l| l.to_str().ok()).unwrap_or("").to_owned();
    if location.starts_with("/imports/") {
        Ok(location)
    } else {
        Err(format!("upload answered {} {location}", response.status()))
    }
}
