//! The shape every paginated list page shares: fetch a page, draw a table or an empty state.

use std::future::Future;

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use serde::{Serialize, de::DeserializeOwned};

use crate::components::i18n::tr;
use crate::components::{EmptyState, ErrorView, Pager, loading};
use crate::domain::{Page, PageRequest};
use crate::error::AppError;
use crate::i18n::Msg;

/// A table column: its heading, and whether it holds numbers (right-aligned).
pub struct Column(pub Msg, pub bool);

/// A server-paginated table without filters.
pub fn paged_table<T, F, Fut>(
    base: &'static str,
    fetch: F,
    columns: &'static [Column],
    empty: Msg,
    row: fn(T) -> AnyView,
) -> impl IntoView
where
    T: Clone + Serialize + DeserializeOwned + Send + Sync + 'static,
    F: Fn(PageRequest) -> Fut + Copy + Send + Sync + 'static,
    Fut: Future<Output = Result<Page<T>, AppError>> + Send + 'static,
{
    filtered_table(
        base,
        Memo::new(|_| ()),
        |_| String::new(),
        move |_, page| fetch(page),
        columns,
        empty,
        row,
    )
}

/// A server-paginated table with a filter read from the URL. The page number is read from
/// `?page=` so that every page has its own address and works without JavaScript; the pager keeps
/// the filter.
pub fn filtered_table<K, T, F, Fut>(
    base: &'static str,
    filter: Memo<K>,
    to_query: fn(&K) -> String,
    fetch: F,
    columns: &'static [Column],
    empty: Msg,
    row: fn(T) -> AnyView,
) -> impl IntoView
where
    K: Clone + PartialEq + Serialize + DeserializeOwned + Send + Sync + 'static,
    T: Clone + Serialize + DeserializeOwned + Send + Sync + 'static,
    F: Fn(K, PageRequest) -> Fut + Copy + Send + Sync + 'static,
    Fut: Future<Output = Result<Page<T>, AppError>> + Send + 'static,
{
    let query = use_query_map();
    let request = Memo::new(move |_| PageRequest::from_query(query.read().get("page").as_deref()));
    let data = Resource::new(move || (filter.get(), request.get()), move |(k, page)| fetch(k, page));
    view! {
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(page) if page.items.is_empty() && page.total == 0 => {
                        view! { <EmptyState message=empty/> }.into_any()
                    }
                    Ok(page) if page.items.is_empty() => {
                        view! {
                            <p class="empty-state">
                                {tr(Msg::PageBeyondEnd)} " " <a href=base>{tr(Msg::FirstPage)}</a>
                            </p>
                        }
                            .into_any()
                    }
                    Ok(page) => {
                        let (first, last) = page.shown_range();
                        let (number, pages, total) = (page.page, page.page_count(), page.total);
                        let filter_query = to_query(&filter.get_untracked());
                        let head = columns
                            .iter()
                            .map(|Column(msg, numeric)| {
                                view! { <th scope="col" class:num=*numeric>{tr(*msg)}</th> }
                            })
                            .collect_view();
                        let rows = page.items.into_iter().map(row).collect_view();
                        view! {
                            <div class="table-wrap">
                                <table class="data">
                                    <thead><tr>{head}</tr></thead>
                                    <tbody>{rows}</tbody>
                                </table>
                            </div>
                            <Pager base query=filter_query page=number pages first last total/>
                        }
                            .into_any()
                    }
                    Err(error) => view! { <ErrorView error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
