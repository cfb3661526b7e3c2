//! Charts drawn as SVG on the server: readable without JavaScript, printable, in the reader's
//! language and number format, and labelled for screen readers (a title, and a description that
//! reads out every value). Hovering a bar or a point shows its value (SVG `<title>`).

use leptos::prelude::*;

use super::i18n::{tr, tr_fmt, tr_text, use_locale};
use crate::domain::Text;
use crate::i18n::{Locale, Msg, fmt_int};

const WIDTH: f64 = 640.0;
const LABEL: f64 = 190.0;
const ROW: f64 = 30.0;

/// A value as the chart shows it, in the reader's language.
pub type Formatter = fn(Locale, i64) -> String;

fn count(locale: Locale, value: i64) -> String {
    fmt_int(locale, u64::try_from(value).unwrap_or(0))
}

fn description(items: &[(Text, i64)], locale: Locale, format: Formatter) -> String {
    items
        .iter()
        .map(|(label, value)| format!("{}: {}", label.get(locale), format(locale, *value)))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Horizontal bars, one row per item, each with its value at the end.
pub fn bar_chart(id: &'static str, title: Msg, items: Vec<(Text, i64)>) -> impl IntoView {
    let locale = use_locale();
    let max = items.iter().map(|(_, v)| *v).max().unwrap_or(0).max(1) as f64;
    let height = ROW * items.len().max(1) as f64 + 8.0;
    let described = items.clone();
    let rows = items
        .into_iter()
        .enumerate()
        .map(|(i, (label, value))| {
            let y = 4.0 + ROW * i as f64;
            let width = ((WIDTH - LABEL - 70.0) * value as f64 / max).max(if value > 0 { 2.0 } else { 0.0 });
            let tip = label.clone();
            view! {
                <g class="bar">
                    <title>{move || format!("{}: {}", tip.get(locale.get()), count(locale.get(), value))}</title>
                    <text x=LABEL - 8.0 y=y + ROW / 2.0 text-anchor="end" dominant-baseline="middle" class="chart-label">{tr_text(label)}</text>
                    <rect x=LABEL y=y + 4.0 width=width height=ROW - 10.0 rx="3" class="chart-bar"/>
                    <text x=LABEL + width + 6.0 y=y + ROW / 2.0 dominant-baseline="middle" class="chart-value">
                        {tr_fmt(move |l| count(l, value))}
                    </text>
                </g>
            }
        })
        .collect_view();
    let title_id = format!("{id}-title");
    let desc_id = format!("{id}-desc");
    let labelled = format!("{title_id} {desc_id}");
    view! {
        <figure class="chart" data-testid=id>
            <figcaption id=title_id.clone()>{tr(title)}</figcaption>
            <svg viewBox=format!("0 0 {WIDTH} {height}") role="img" aria-labelledby=labelled
                preserveAspectRatio="xMinYMin meet">
                <desc id=desc_id>{move || description(&described, locale.get(), count)}</desc>
                {rows}
            </svg>
        </figure>
    }
}

/// One stacked bar per row: women and men.
pub fn stacked_chart(id: &'static str, title: Msg, rows: Vec<(Text, u64, u64)>) -> impl IntoView {
    let locale = use_locale();
    let max = rows.iter().map(|(_, w, m)| w + m).max().unwrap_or(0).max(1) as f64;
    let height = ROW * rows.len().max(1) as f64 + 36.0;
    let scale = (WIDTH - LABEL - 70.0) / max;
    let described: Vec<(Text, u64, u64)> = rows.clone();
    let bars = rows
        .into_iter()
        .enumerate()
        .map(|(i, (label, women, men))| {
            let y = 4.0 + ROW * i as f64;
            let (w, m) = (women as f64 * scale, men as f64 * scale);
            let total = women + men;
            view! {
                <g>
                    <text x=LABEL - 8.0 y=y + ROW / 2.0 text-anchor="end" dominant-baseline="middle" class="chart-label">{tr_text(label)}</text>
                    <rect x=LABEL y=y + 4.0 width=w height=ROW - 10.0 class="chart-bar women">
                        <title>{move || format!("{}: {}", Msg::FieldWomen.text(locale.get()), count(locale.get(), women as i64))}</title>
                    </rect>
                    <rect x=LABEL + w y=y + 4.0 width=m height=ROW - 10.0 class="chart-bar men">
                        <title>{move || format!("{}: {}", Msg::FieldMen.text(locale.get()), count(locale.get(), men as i64))}</title>
                    </rect>
                    <text x=LABEL + w + m + 6.0 y=y + ROW / 2.0 dominant-baseline="middle" class="chart-value">
                        {tr_fmt(move |l| count(l, total as i64))}
                    </text>
                </g>
            }
        })
        .collect_view();
    let legend_y = height - 14.0;
    let title_id = format!("{id}-title");
    let desc_id = format!("{id}-desc");
    let labelled = format!("{title_id} {desc_id}");
    let describe = move || {
        let l = locale.get();
        described
            .iter()
            .map(|(label, w, m)| {
                format!(
                    "{}: {} {}, {} {}",
                    label.get(l),
                    count(l, *w as i64),
                    Msg::FieldWomen.text(l),
                    count(l, *m as i64),
                    Msg::FieldMen.text(l)
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    view! {
        <figure class="chart" data-testid=id>
            <figcaption id=title_id.clone()>{tr(title)}</figcaption>
            <svg viewBox=format!("0 0 {WIDTH} {height}") role="img" aria-labelledby=labelled>
                <desc id=desc_id>{describe}</desc>
                {bars}
                <rect x=LABEL y=legend_y - 9.0 width="12" height="12" class="chart-bar women"/>
                <text x=LABEL + 18.0 y=legend_y dominant-baseline="middle" class="chart-label">{tr(Msg::FieldWomen)}</text>
                <rect x=LABEL + 110.0 y=legend_y - 9.0 width="12" height="12" class="chart-bar men"/>
                <text x=LABEL + 128.0 y=legend_y dominant-baseline="middle" class="chart-label">{tr(Msg::FieldMen)}</text>
            </svg>
        </figure>
    }
}

/// A line over time: one point per period, each with its value on hover.
pub fn line_chart(
    id: &'static str,
    title: Msg,
    points: Vec<(String, i64)>,
    format: Formatter,
) -> impl IntoView {
    let locale = use_locale();
    let (height, left, bottom, top) = (240.0, 16.0, 30.0, 24.0);
    let max = points.iter().map(|(_, v)| *v).max().unwrap_or(0).max(1) as f64;
    let step = if points.len() > 1 { (WIDTH - 2.0 * left) / (points.len() - 1) as f64 } else { 0.0 };
    let xy: Vec<(f64, f64)> = points
        .iter()
        .enumerate()
        .map(|(i, (_, v))| (left + step * i as f64, top + (height - top - bottom) * (1.0 - *v as f64 / max)))
        .collect();
    let path = xy.iter().map(|(x, y)| format!("{x:.1},{y:.1}")).collect::<Vec<_>>().join(" ");
    let dots = points
        .iter()
        .cloned()
        .zip(xy.clone())
        .map(|((period, value), (x, y))| {
            let tip = period.clone();
            view! {
                <circle cx=x cy=y r="4" class="chart-dot">
                    <title>{move || format!("{tip}: {}", format(locale.get(), value))}</title>
                </circle>
            }
        })
        .collect_view();
    let first = points.first().map(|p| p.0.clone()).unwrap_or_default();
    let last = points.last().map(|p| p.0.clone()).unwrap_or_default();
    let peak = points.last().map(|p| p.1).unwrap_or(0);
    let described = points.clone();
    let title_id = format!("{id}-title");
    let desc_id = format!("{id}-desc");
    let labelled = format!("{title_id} {desc_id}");
    view! {
        <figure class="chart" data-testid=id>
            <figcaption id=title_id.clone()>{tr(title)}</figcaption>
            <svg viewBox=format!("0 0 {WIDTH} {height}") role="img" aria-labelledby=labelled>
                <desc id=desc_id>{move || {
                    let l = locale.get();
                    described.iter().map(|(p, v)| format!("{p}: {}", format(l, *v))).collect::<Vec<_>>().join("; ")
                }}</desc>
                <line x1=left y1=height - bottom x2=WIDTH - left y2=height - bottom class="chart-axis"/>
                <polyline points=path class="chart-line"/>
                {dots}
                <text x=left y=height - 8.0 class="chart-label">{first}</text>
                <text x=WIDTH - left y=height - 8.0 text-anchor="end" class="chart-label">{last}</text>
                <text x=WIDTH - left y=14.0 text-anchor="end" class="chart-value">{tr_fmt(move |l| format(l, peak))}</text>
            </svg>
        </figure>
    }
}
