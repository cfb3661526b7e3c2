//! The home page's counts: donors, grants, activities, institutes, items of equipment and
//! people trained, within the user's scope.

use app::domain::{Overview, Scope};
use app::error::AppError;

use super::Db;
use super::query::{HELD, Records, condition, internal, scope_value};
use super::rows::{CountRow, TrainedRecord, first_count};

pub(super) async fn overview(db: &Db, scope: &Scope) -> Result<Overview, AppError> {
    let activities = condition(scope, Records::Activities);
    let trained = format!(
        "SELECT math::sum(participants.police.total) AS police, math::sum(participants.police.women) AS police_women,
                math::sum(participants.gendarmerie.total) AS gendarmerie, math::sum(participants.gendarmerie.women) AS gendarmerie_women,
                math::sum(participants.justice.total) AS justice, math::sum(participants.justice.women) AS justice_women,
                math::sum(participants.other.total) AS other, math::sum(participants.other.women) AS other_women
         FROM activity WHERE archived = false AND {HELD} AND ({activities}) GROUP ALL;"
    );
    let donors = match scope {
        Scope::Donor(_) => "SELECT count() AS n FROM donor WHERE archived = false AND id = $scope GROUP ALL;",
        _ => "SELECT count() AS n FROM donor WHERE archived = false GROUP ALL;",
    };
    let mut response = db
        .query(donors)
        .query(format!(
            "SELECT count() AS n FROM donor_grant WHERE archived = false AND ({}) GROUP ALL;",
            condition(scope, Records::Grants)
        ))
        .query(format!(
            "SELECT count() AS n FROM activity WHERE archived = false AND ({activities}) GROUP ALL;"
        ))
        .query(format!(
            "SELECT count() AS n FROM institute WHERE archived = false AND ({}) GROUP ALL;",
            condition(scope, Records::Institutes)
        ))
        .query(format!(
            "SELECT math::sum(quantity) AS n FROM equipment WHERE archived = false AND ({}) GROUP ALL;",
            condition(scope, Records::Equipment)
        ))
        .query(trained)
        .bind(("scope", scope_value(scope)))
        .await
        .map_err(internal)?
        .check()
        .map_err(internal)?;
    let mut counts = [0_u64; 5];
    for (i, slot) in counts.iter_mut().enumerate() {
        *slot = first_count(response.take::<Vec<CountRow>>(i).map_err(internal)?);
    }
    let trained: Vec<TrainedRecord> = response.take(5).map_err(internal)?;
    let (people, women) = trained.first().map(TrainedRecord::totals).unwrap_or((0, 0));
    let sees_money = !matches!(scope, Scope::Institute(_));
    Ok(Overview {
        donors: sees_money.then_some(counts[0]),
        grants: sees_money.then_some(counts[1]),
        activities: counts[2],
        institutes: counts[3],
        equipment_items: counts[4],
        people_trained: people,
        women_trained: women,
    })
}
