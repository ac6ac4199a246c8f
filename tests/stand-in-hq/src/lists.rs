//! The project's groups and locations: how they are made, and HQ's tastypie lists of them.

use crate::{next_id, refuse_access, Inner, Location, StandIn};
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

/// Regions, each with districts, each district a site code people search by; then villages
/// in the districts, up to `total` locations.
pub(crate) fn seed_locations(inner: &mut Inner, domain: &str, total: usize) {
    let first = inner.locations.len();
    const REGIONS: [(&str, [&str; 5]); 4] = [
        ("Northern", ["Gulu", "Lira", "Kitgum", "Arua", "Adjumani"]),
        ("Eastern", ["Mbale", "Soroti", "Tororo", "Jinja", "Busia"]),
        (
            "Central",
            ["Kampala", "Wakiso", "Mukono", "Masaka", "Mpigi"],
        ),
        (
            "Western",
            ["Mbarara", "Hoima", "Kabale", "Kasese", "Fort Portal"],
        ),
    ];
    for (region, districts) in REGIONS {
        let region_index = inner.locations.len();
        let location_id = next_id(&mut inner.ids_issued);
        inner.locations.push(Location {
            location_id,
            domain: domain.into(),
            name: format!("{region} Region"),
            site_code: region.to_lowercase(),
            parent: None,
        });
        for district in districts {
            let location_id = next_id(&mut inner.ids_issued);
            inner.locations.push(Location {
                location_id,
                domain: domain.into(),
                name: district.into(),
                site_code: format!("{}_district", district.to_lowercase().replace(' ', "_")),
                parent: Some(region_index),
            });
        }
    }
    let districts: Vec<usize> = (first..inner.locations.len())
        .filter(|&i| inner.locations[i].parent.is_some())
        .collect();
    for n in 1..=total.saturating_sub(inner.locations.len() - first) {
        let location_id = next_id(&mut inner.ids_issued);
        inner.locations.push(Location {
            location_id,
            domain: domain.into(),
            name: format!("Village {n}"),
            site_code: format!("village_{n:05}"),
            parent: Some(districts[n % districts.len()]),
        });
    }
}

pub(crate) fn group_name(n: usize) -> String {
    const AREAS: [&str; 10] = [
        "Kampala", "Gulu", "Mbale", "Lira", "Jinja", "Arua", "Masaka", "Mbarara", "Soroti", "Hoima",
    ];
    const TEAMS: [&str; 5] = [
        "CHW team",
        "Supervisors",
        "Nurses",
        "Outreach",
        "Data clerks",
    ];
    format!("{} {} {}", AREAS[n % 10], TEAMS[(n / 10) % 5], n)
}

#[derive(Deserialize)]
pub(crate) struct Page {
    limit: Option<usize>,
    offset: Option<usize>,
}

/// Tastypie's list: default limit 20, at most 1000 (0 means the maximum). `objects` makes
/// the JSON of one page's range only, so pages of a 50,000-item list stay cheap.
fn paginate(
    total: usize,
    page: &Page,
    objects: impl FnOnce(std::ops::Range<usize>) -> Vec<Value>,
) -> Response {
    let limit = match page.limit.unwrap_or(20) {
        0 => 1000,
        n => n.min(1000),
    };
    let offset = page.offset.unwrap_or(0);
    let objects = objects(offset.min(total)..offset.saturating_add(limit).min(total));
    // HQ's v0.5 lists build `next` without a path (tastypie cannot reverse their URI).
    let next =
        (offset + limit < total).then(|| format!("?limit={limit}&offset={}", offset + limit));
    let previous =
        (offset > 0).then(|| format!("?limit={limit}&offset={}", offset.saturating_sub(limit)));
    Json(json!({
        "meta": {
            "limit": limit,
            "offset": offset,
            "next": next,
            "previous": previous,
            "total_count": total,
        },
        "objects": objects,
    }))
    .into_response()
}

/// A list endpoint: HQ's access checks, then one page of `objects`.
fn list_answer<T>(
    stand_in: &StandIn,
    domain: &str,
    headers: &HeaderMap,
    page: &Page,
    items: Vec<T>,
    object: impl Fn(&T) -> Value,
) -> Response {
    match refuse_access(stand_in, domain, headers) {
        Some(refusal) => refusal,
        None => paginate(items.len(), page, |range| {
            items[range].iter().map(&object).collect()
        }),
    }
}

pub(crate) async fn list_groups(
    State(stand_in): State<StandIn>,
    Path(domain): Path<String>,
    Query(page): Query<Page>,
    headers: HeaderMap,
) -> Response {
    let groups = stand_in.groups(&domain);
    list_answer(&stand_in, &domain, &headers, &page, groups, |g| {
        json!({
            "id": g.id,
            "domain": g.domain,
            "name": g.name,
            "users": [],
            "case_sharing": false,
            "reporting": true,
            "metadata": {},
            "resource_uri": "",
        })
    })
}

pub(crate) async fn list_locations(
    State(stand_in): State<StandIn>,
    Path(domain): Path<String>,
    Query(page): Query<Page>,
    headers: HeaderMap,
) -> Response {
    if let Some(refusal) = refuse_access(&stand_in, &domain, &headers) {
        return refusal;
    }
    let inner = stand_in.lock();
    let all = &inner.locations;
    let uri = |l: &Location| format!("/a/{domain}/api/v0.5/location/{}/", l.location_id);
    // References, not copies: a page of a 50,000-location project builds 1,000 objects only.
    let mine: Vec<&Location> = all.iter().filter(|l| l.domain == domain).collect();
    paginate(mine.len(), &page, |range| {
        mine[range]
            .iter()
            .map(|l| {
                json!({
                    "id": l.location_id,
                    "location_id": l.location_id,
                    "domain": l.domain,
                    "name": l.name,
                    "site_code": l.site_code,
                    "external_id": null,
                    "latitude": null,
                    "longitude": null,
                    "location_data": {},
                    "location_type": format!("/a/{domain}/api/v0.5/location_type/{}/", if l.parent.is_some() { 2 } else { 1 }),
                    "parent": l.parent.map(|p| uri(&all[p])),
                    "resource_uri": uri(l),
                })
            })
            .collect()
    })
}
