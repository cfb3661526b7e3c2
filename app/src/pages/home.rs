//! The overview: headline counts and where to go next.

use leptos::prelude::*;

use crate::api::get_overview;
use crate::components::i18n::{tr, tr_fmt};
use crate::components::{ErrorView, PageHeader, loading};
use crate::domain::Overview;
use crate::i18n::{Msg, fmt_int, fmt_percent};

#[component]
pub fn HomePage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_overview());
    view! {
        <PageHeader title=Msg::HomeTitle intro=Msg::HomeIntro/>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(overview) => stats(overview).into_any(),
                    Err(error) => view! { <ErrorView error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn stats(o: Overview) -> impl IntoView {
    let stat = move |label: Msg, value: u64, href: Option<&'static str>, id: &'static str| {
        let number = tr_fmt(move |l| fmt_int(l, value));
        view! {
            <div class="stat" data-testid=id>
                <dt>{tr(label)}</dt>
                <dd>
                    {match href {
                        Some(href) => view! { <a href=href>{number}</a> }.into_any(),
                        None => number.into_any(),
                    }}
                </dd>
            </div>
        }
    };
    let (people, women) = (o.people_trained, o.women_trained);
    view! {
        <dl class="stats">
            {o.donors.map(|n| stat(Msg::StatDonors, n, None, "stat-donors"))}
            {o.grants.map(|n| stat(Msg::StatGrants, n, Some("/grants"), "stat-grants"))}
            {stat(Msg::StatActivities, o.activities, Some("/activities"), "stat-activities")}
            {stat(Msg::StatInstitutes, o.institutes, Some("/institutes"), "stat-institutes")}
            {stat(Msg::StatEquipmentItems, o.equipment_items, Some("/equipment"), "stat-equipment")}
            <div class="stat" data-testid="stat-people">
                <dt>{tr(Msg::StatPeopleTrained)}</dt>
                <dd>{tr_fmt(move |l| fmt_int(l, people))}</dd>
                <span class="sub">
                    {tr(Msg::StatWomenTrained)} " " {tr_fmt(move |l| fmt_int(l, women))} " ("
                    {tr_fmt(move |l| fmt_percent(l, women, people))} ")"
                </span>
            </div>
        </dl>
    }
}
