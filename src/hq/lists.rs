//! The project's own groups and locations, read from HQ's list APIs so people pick by name.
//!
//! Both lists use tastypie pagination (`{"meta": {"next", …}, "objects": […]}`); every page is
//! followed, but only on the same server, and never in a loop.

use crate::config::Config;
use crate::hq::credentials::Credentials;
use crate::hq::{self, NoAnswer};
use crate::i18n::Message;
use crate::json::Json;
use crate::worker::lower_case;
use std::sync::Arc;

/// Which list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resource {
    Groups,
    Locations,
}

impl Resource {
    fn path(self) -> &'static str {
        match self {
            Resource::Groups => "group",
            Resource::Locations => "location",
        }
    }

    /// The name its controls' ids start with (`group-search`, `location-refresh`).
    pub fn singular(self) -> &'static str {
        self.path()
    }

    /// The catalogue key for this list among a pair: each list has its own texts, so that
    /// every language can make its words agree with the list's noun.
    pub fn pick(self, groups: &'static str, locations: &'static str) -> &'static str {
        match self {
            Resource::Groups => groups,
            Resource::Locations => locations,
        }
    }
}

/// One choice in a picker: the id HQ wants, the name people know, and what else helps find it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Choice {
    pub id: String,
    pub name: String,
    /// A location's site code; empty for groups.
    pub detail: String,
    /// Name and detail in lower case, made once: a search runs over every item per keystroke.
    folded: String,
}

impl Choice {
    pub fn new(id: String, name: String, detail: String) -> Self {
        let folded = lower_case(&format!("{name}\n{detail}"));
        Choice {
            id,
            name,
            detail,
            folded,
        }
    }

    /// Case-insensitive match on name or detail; `query` is already trimmed and lower case.
    fn matches_folded(&self, query: &str) -> bool {
        query.is_empty() || self.folded.contains(query)
    }
}

/// The first `shown` items matching `query` (name or detail, any case), and how many match in
/// all. One pass, no copies: fast enough to run on every keystroke over 50,000 locations.
pub fn search<'a>(choices: &'a [Choice], query: &str, shown: usize) -> (Vec<&'a Choice>, usize) {
    let query = lower_case(query.trim());
    let mut first = Vec::with_capacity(shown);
    let mut total = 0;
    for choice in choices.iter().filter(|c| c.matches_folded(&query)) {
        if first.len() < shown {
            first.push(choice);
        }
        total += 1;
    }
    (first, total)
}

/// A loaded list, with an index by id: the chosen items are looked up on every keystroke and
/// every progress step, and a scan of 50,000 each time would be felt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChoiceList {
    choices: Vec<Choice>,
    /// Positions in `choices`, ordered by id.
    by_id: Vec<usize>,
}

impl ChoiceList {
    pub fn new(choices: Vec<Choice>) -> Self {
        let mut by_id: Vec<usize> = (0..choices.len()).collect();
        by_id.sort_unstable_by(|a, b| choices[*a].id.cmp(&choices[*b].id));
        ChoiceList { choices, by_id }
    }

    pub fn get(&self, id: &str) -> Option<&Choice> {
        self.by_id
            .binary_search_by(|i| self.choices[*i].id.as_str().cmp(id))
            .ok()
            .map(|found| &self.choices[self.by_id[found]])
    }

    /// In HQ's order.
    pub fn choices(&self) -> &[Choice] {
        &self.choices
    }

    pub fn len(&self) -> usize {
        self.choices.len()
    }

    pub fn is_empty(&self) -> bool {
        self.choices.is_empty()
    }
}

/// Where a project list stands. Kept for the page's life; the Refresh button reloads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ListState {
    /// `api_key` mode before a key is at hand.
    NeedsCredentials,
    /// Pages are arriving: how many items so far, out of the total HQ announced.
    Loading {
        loaded: usize,
        total: Option<usize>,
    },
    /// Shared, so handing the list to a view or a check never copies 50,000 items.
    Loaded(Arc<ChoiceList>),
    Failed(ReadError),
}

impl ListState {
    pub fn loading() -> Self {
        ListState::Loading {
            loaded: 0,
            total: None,
        }
    }

    pub fn is_loading(&self) -> bool {
        matches!(self, ListState::Loading { .. })
    }

    /// Whether the loaded list holds `id`; `None` while there is no list to ask.
    pub fn membership(&self, id: &str) -> Option<bool> {
        match self {
            ListState::Loaded(list) => Some(list.get(id).is_some()),
            _ => None,
        }
    }

    /// The name people know `id` by, or the id itself when the list does not say.
    pub fn name_of(&self, id: &str) -> String {
        match self {
            ListState::Loaded(list) => list
                .get(id)
                .map(|c| c.name.clone())
                .unwrap_or_else(|| id.to_string()),
            _ => id.to_string(),
        }
    }
}

impl ListState {
    /// The status line under a picker's legend, read out by screen readers as it changes.
    pub fn status(&self, resource: Resource) -> Message {
        let key = |groups, locations| Message::new(resource.pick(groups, locations));
        match self {
            ListState::NeedsCredentials => key(
                "list.groups.needs_credentials",
                "list.locations.needs_credentials",
            ),
            ListState::Loading { loaded: 0, .. } => {
                key("list.groups.loading", "list.locations.loading")
            }
            ListState::Loading {
                loaded,
                total: Some(total),
            } => key("list.groups.loading_of", "list.locations.loading_of")
                .number("loaded", *loaded)
                .number("total", *total),
            ListState::Loading {
                loaded,
                total: None,
            } => key("list.groups.loading_count", "list.locations.loading_count")
                .number("loaded", *loaded),
            ListState::Loaded(list) => {
                key("list.groups.loaded", "list.locations.loaded").count(list.len())
            }
            ListState::Failed(error) => {
                key("list.groups.failed_go_on", "list.locations.failed_go_on")
                    .message("problem", error.describe(resource))
            }
        }
    }
}

/// Why an answer was not a CommCare list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NotAList {
    /// Not the JSON of a tastypie page (the parser's own words).
    Unreadable(String),
    /// An item without its id (`id`, `location_id`).
    NoId(&'static str),
    /// A `next` link to another server or path.
    LinksOutside,
    /// More items than a form can offer.
    TooMany(usize),
    /// A `next` link back to a page already read.
    Loop,
    /// A status no list answers with.
    Status(u16),
}

impl NotAList {
    pub fn message(&self) -> Message {
        match self {
            Self::Unreadable(why) => {
                Message::new("not_a_list.unreadable").text("why", why.as_str())
            }
            Self::NoId(key) => Message::new("not_a_list.no_id").text("key", *key),
            Self::LinksOutside => Message::new("not_a_list.links_outside"),
            Self::TooMany(max) => Message::new("not_a_list.over_limit").number("max", *max),
            Self::Loop => Message::new("not_a_list.loop"),
            Self::Status(status) => {
                Message::new("not_a_list.status").text("status", status.to_string())
            }
        }
    }
}

/// Why a list could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReadError {
    Unauthorized,
    Forbidden,
    NotFound,
    RateLimited,
    Server(u16),
    Timeout(u32),
    /// The answer was not a tastypie list.
    Malformed(NotAList),
    /// No answer could be read (network, or a cross-origin error answer).
    Network,
    /// The credential cannot be sent; nothing was.
    BadCredential(crate::hq::credentials::CredentialError),
}

impl ReadError {
    /// Whether the list is simply not available to this project or account (locations on a
    /// plan without them, say), rather than broken.
    pub fn means_unavailable(&self) -> bool {
        matches!(self, ReadError::Forbidden | ReadError::NotFound)
    }

    pub fn describe(&self, resource: Resource) -> Message {
        let failed = |key| {
            Message::new(key).message(
                "list",
                Message::new(resource.pick("list.groups.the", "list.locations.the")),
            )
        };
        match self {
            Self::Unauthorized => failed("list.failed.unauthorized"),
            Self::Forbidden => failed("list.failed.forbidden"),
            Self::NotFound => failed("list.failed.not_found"),
            Self::Server(status) => failed("list.failed.server").text("status", status.to_string()),
            Self::RateLimited => failed("list.failed.rate_limited"),
            Self::Timeout(seconds) => failed("list.failed.timeout").count(*seconds as usize),
            Self::Malformed(why) => failed("list.failed.malformed").message("why", why.message()),
            Self::Network => failed("list.failed.network"),
            Self::BadCredential(error) => {
                failed("list.failed.credential").message("problem", error.message())
            }
        }
    }
}

/// Items asked for per page: tastypie's (and HQ's) largest page, so 50,000 locations take 50
/// requests, well inside the proxy's read limit.
pub const PAGE_SIZE: usize = 1000;
/// Most items a list may have before loading stops, against a server that never ends.
pub const MAX_ITEMS: usize = 200_000;

/// The first page's URL.
pub fn first_url(config: &Config, resource: Resource) -> String {
    format!(
        "{}/a/{}/api/{}/{}/?format=json&limit={PAGE_SIZE}",
        config.base_url,
        config.domain,
        config.api_version,
        resource.path()
    )
}

/// One page of a list, read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadPage {
    pub choices: Vec<Choice>,
    /// The next page's URL, on this server and this list only.
    pub next: Option<String>,
    /// How many items the whole list has, as HQ announces it.
    pub total: Option<usize>,
}

/// Reads one page: its choices, the URL of the next page, and the announced total.
pub fn read_page(resource: Resource, current_url: &str, body: &str) -> Result<ReadPage, ReadError> {
    let unreadable = |why: &str| ReadError::Malformed(NotAList::Unreadable(why.to_string()));
    let page = Json::parse(body).map_err(|e| unreadable(&e.0))?;
    let meta = page
        .get("meta")
        .filter(|meta| matches!(meta, Json::Object(_)))
        .ok_or_else(|| unreadable("no \"meta\" object"))?;
    let objects = page
        .get("objects")
        .and_then(Json::as_list)
        .ok_or_else(|| unreadable("no \"objects\" list"))?;
    let choices = objects
        .iter()
        .map(|object| choice(resource, object))
        .collect::<Result<Vec<_>, _>>()?;
    let next = match meta.get("next") {
        None | Some(Json::Null) => None,
        Some(Json::Text(next)) if next.is_empty() => None,
        Some(Json::Text(next)) => Some(next_url(current_url, next)?),
        Some(_) => return Err(unreadable("\"meta.next\" is not text")),
    };
    let total = match meta.get("total_count") {
        None | Some(Json::Null) => None,
        Some(total) => Some(
            total
                .as_whole()
                .and_then(|n| usize::try_from(n).ok())
                .ok_or_else(|| unreadable("\"meta.total_count\" is not a whole number"))?,
        ),
    };
    Ok(ReadPage {
        choices,
        next,
        total,
    })
}

fn text(object: &Json, key: &str) -> Option<String> {
    object.get(key).and_then(|v| v.as_str()).map(str::to_string)
}

fn choice(resource: Resource, object: &Json) -> Result<Choice, ReadError> {
    let id_key = match resource {
        Resource::Groups => "id",
        // HQ's user API takes location ids (`location_id`), not the resource's own id.
        Resource::Locations => "location_id",
    };
    let id = text(object, id_key)
        .filter(|id| !id.is_empty())
        .ok_or(ReadError::Malformed(NotAList::NoId(id_key)))?;
    let name = text(object, "name").unwrap_or_else(|| id.clone());
    let detail = match resource {
        Resource::Groups => String::new(),
        Resource::Locations => text(object, "site_code").unwrap_or_default(),
    };
    Ok(Choice::new(id, name, detail))
}

/// Resolves tastypie's `next`, which HQ gives as `?limit=…&offset=…`, a path, or a full URL.
/// A next page is the same list with another query: anything that leaves this list's path on
/// this server (or hides a trick in backslashes or spaces) is refused, so no credential follows it.
pub fn next_url(current_url: &str, next: &str) -> Result<String, ReadError> {
    let refuse = || ReadError::Malformed(NotAList::LinksOutside);
    if next
        .chars()
        .any(|c| c == '\\' || c.is_whitespace() || c.is_control())
    {
        return Err(refuse());
    }
    let (origin, path) = split_url(current_url);
    let query = if let Some(query) = next.strip_prefix('?') {
        query
    } else {
        let (next_origin, next_path) = split_url(next);
        // A bare path has no origin: it stays on this server only if it starts with one slash.
        let on_this_server = if next_origin.is_empty() {
            next.starts_with('/') && !next.starts_with("//")
        } else {
            next_origin == origin
        };
        if !on_this_server || next_path != path {
            return Err(refuse());
        }
        next.split_once('?').map(|(_, q)| q).unwrap_or_default()
    };
    Ok(format!("{origin}{path}?{query}"))
}

/// `https://host/path?query` → (`https://host`, `/path`); a path alone has no origin.
fn split_url(url: &str) -> (&str, &str) {
    let without_query = url.split(['?', '#']).next().unwrap_or_default();
    let after_scheme = without_query.find("://").map(|i| i + 3).unwrap_or(0);
    match without_query[after_scheme..].find('/') {
        Some(i) => without_query.split_at(after_scheme + i),
        None if after_scheme > 0 => (without_query, "/"),
        None => ("", without_query),
    }
}

/// Maps a list answer's status to its error, as for the create request.
pub fn status_error(status: u16) -> Option<ReadError> {
    match status {
        200..=299 => None,
        401 => Some(ReadError::Unauthorized),
        403 => Some(ReadError::Forbidden),
        404 => Some(ReadError::NotFound),
        429 => Some(ReadError::RateLimited),
        500..=599 => Some(ReadError::Server(status)),
        other => Some(ReadError::Malformed(NotAList::Status(other))),
    }
}

/// Reads every page of the list, telling `progress` after each one how many items have
/// arrived and how many HQ announced.
pub async fn load_all(
    config: &Config,
    credentials: Option<&Credentials>,
    resource: Resource,
    progress: impl Fn(usize, Option<usize>),
) -> Result<Vec<Choice>, ReadError> {
    let mut url = first_url(config, resource);
    let mut seen = vec![url.clone()];
    let mut all = Vec::new();
    loop {
        let (status, body) = hq::exchange(
            hq::Method::Get,
            &url,
            None,
            credentials,
            config.timeout_seconds,
        )
        .await
        .map_err(|e| match e {
            NoAnswer::Timeout => ReadError::Timeout(config.timeout_seconds),
            NoAnswer::Network => ReadError::Network,
            NoAnswer::BadCredential(error) => ReadError::BadCredential(error),
        })?;
        if let Some(error) = status_error(status) {
            return Err(error);
        }
        let page = read_page(resource, &url, &body)?;
        all.extend(page.choices);
        if all.len() > MAX_ITEMS {
            return Err(ReadError::Malformed(NotAList::TooMany(MAX_ITEMS)));
        }
        progress(all.len(), page.total);
        match page.next {
            Some(next) if !seen.contains(&next) => {
                seen.push(next.clone());
                url = next;
            }
            Some(_) => return Err(ReadError::Malformed(NotAList::Loop)),
            None => return Ok(all),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIST: &str = "/a/demo/api/v0.5/group/?format=json&limit=100";

    #[test]
    fn a_page_gives_choices_and_the_next_url() {
        let body = r#"{"meta": {"limit": 2, "next": "?limit=2&offset=2", "offset": 0, "previous": null, "total_count": 3},
                       "objects": [{"id": "g1", "name": "Gulu CHWs", "case_sharing": false},
                                   {"id": "g2", "name": "Lira nurses"}]}"#;
        let page = read_page(Resource::Groups, LIST, body).unwrap();
        assert_eq!(
            page.choices[0],
            Choice::new("g1".into(), "Gulu CHWs".into(), String::new())
        );
        assert_eq!(page.choices.len(), 2);
        assert_eq!(page.total, Some(3));
        assert_eq!(
            page.next.as_deref(),
            Some("/a/demo/api/v0.5/group/?limit=2&offset=2")
        );
    }

    #[test]
    fn the_last_page_has_no_next() {
        let body = r#"{"meta": {"next": null}, "objects": []}"#;
        assert_eq!(
            read_page(Resource::Groups, LIST, body).unwrap(),
            ReadPage {
                choices: vec![],
                next: None,
                total: None
            }
        );
    }

    #[test]
    fn locations_use_location_id_and_site_code() {
        let body = r#"{"meta": {"next": null}, "objects": [
            {"id": "7", "location_id": "loc-abc", "name": "Gulu", "site_code": "gulu_dist"}]}"#;
        let choices = read_page(Resource::Locations, LIST, body).unwrap().choices;
        assert_eq!(choices[0].id, "loc-abc");
        assert_eq!(choices[0].detail, "gulu_dist");
        assert_eq!(search(&choices, "GULU_D", 25).1, 1);
        assert_eq!(search(&choices, " gu ", 25).1, 1);
        assert_eq!(search(&choices, "lira", 25).1, 0);
    }

    #[test]
    fn malformed_pages_are_errors_not_panics() {
        for body in [
            "",
            "<html>",
            "[]",
            r#"{"objects": []}"#,
            r#"{"meta": {}, "objects": {}}"#,
            r#"{"meta": {"next": null}, "objects": [{"name": "no id"}]}"#,
            r#"{"meta": {"next": null}, "objects": [{"id": 5}]}"#,
        ] {
            assert!(
                matches!(
                    read_page(Resource::Groups, LIST, body),
                    Err(ReadError::Malformed(_))
                ),
                "{body}"
            );
        }
    }

    #[test]
    fn next_links_resolve_on_the_same_server_only() {
        let cross = "https://www.commcarehq.org/a/demo/api/v0.5/group/?limit=100";
        assert_eq!(
            next_url(cross, "?limit=100&offset=100").unwrap(),
            "https://www.commcarehq.org/a/demo/api/v0.5/group/?limit=100&offset=100"
        );
        assert_eq!(
            next_url(cross, "/a/demo/api/v0.5/group/?offset=100").unwrap(),
            "https://www.commcarehq.org/a/demo/api/v0.5/group/?offset=100"
        );
        assert_eq!(
            next_url(
                cross,
                "https://www.commcarehq.org/a/demo/api/v0.5/group/?offset=1"
            )
            .unwrap(),
            "https://www.commcarehq.org/a/demo/api/v0.5/group/?offset=1"
        );
        assert!(next_url(cross, "https://evil.example/steal?x").is_err());
        assert!(next_url(cross, "https://www.commcarehq.org/a/other/api/v0.5/user/?x").is_err());
        assert!(next_url(LIST, "/\\evil.example/a/demo/api/v0.5/group/?x").is_err());
        assert!(next_url(LIST, "/\t/evil.example/x").is_err());
        assert!(next_url(LIST, "/a/demo/api/v0.5/user/?offset=1").is_err());
        assert!(next_url(cross, "//evil.example/steal").is_err());
        assert!(next_url(LIST, "https://evil.example/").is_err());
        assert_eq!(
            next_url(LIST, "?offset=100").unwrap(),
            "/a/demo/api/v0.5/group/?offset=100"
        );
    }

    #[test]
    fn statuses_map_to_errors_and_unavailability() {
        assert_eq!(status_error(200), None);
        assert!(status_error(403).unwrap().means_unavailable());
        assert!(status_error(404).unwrap().means_unavailable());
        assert!(!status_error(401).unwrap().means_unavailable());
        assert_eq!(status_error(502), Some(ReadError::Server(502)));
        assert!(ReadError::Server(500)
            .describe(Resource::Locations)
            .to_string()
            .starts_with("Could not load the locations"));
        assert_eq!(
            ReadError::Malformed(NotAList::Loop).describe(Resource::Groups),
            "Could not load the groups: the answer was not a CommCare list (its pages link in a loop)."
        );
        assert_eq!(
            status_error(302)
                .unwrap()
                .describe(Resource::Groups)
                .to_string(),
            "Could not load the groups: the answer was not a CommCare list (status 302)."
        );
    }

    #[test]
    fn the_first_url_asks_for_json_and_large_pages() {
        let config = Config::parse(
            r#"{"base_url": "https://hq.example", "domain": "demo", "auth": "api_key"}"#,
        )
        .unwrap();
        assert_eq!(
            first_url(&config, Resource::Locations),
            "https://hq.example/a/demo/api/v0.5/location/?format=json&limit=1000"
        );
    }

    #[test]
    fn search_finds_by_name_or_code_and_counts_every_match() {
        let choices: Vec<Choice> = (0..50_000)
            .map(|n| Choice::new(format!("id{n}"), format!("Village {n}"), format!("v{n:05}")))
            .collect();
        let (first, total) = search(&choices, " VILLAGE 4999", 25);
        assert_eq!(total, 11, "4999 and 49990..=49999");
        assert_eq!(first[0].id, "id4999");
        let (first, total) = search(&choices, "v01234", 25);
        assert_eq!((first.len(), total), (1, 1));
        let (first, total) = search(&choices, "", 25);
        assert_eq!((first.len(), total), (25, 50_000));
        assert_eq!(search(&choices, "nowhere", 25).1, 0);
    }

    #[test]
    fn the_status_line_says_where_the_list_stands() {
        let loading = ListState::Loading {
            loaded: 12_000,
            total: Some(50_000),
        };
        assert_eq!(
            loading.status(Resource::Locations),
            "Loading the project's locations… 12,000 of 50,000"
        );
        assert_eq!(
            ListState::loading().status(Resource::Groups),
            "Loading the project's groups…"
        );
        let one = ListState::Loaded(Arc::new(ChoiceList::new(vec![Choice::new(
            "g".into(),
            "G".into(),
            String::new(),
        )])));
        assert_eq!(one.status(Resource::Groups), "1 group in this project.");
        let none = ListState::Loaded(Arc::new(ChoiceList::new(vec![])));
        assert_eq!(none.status(Resource::Groups), "This project has no groups.");
        assert!(ListState::Failed(ReadError::Server(502))
            .status(Resource::Groups)
            .to_string()
            .ends_with("The mobile worker can still be created without groups."));
    }

    #[test]
    fn list_states_answer_membership_and_names_without_copying() {
        let list = ListState::Loaded(Arc::new(ChoiceList::new(vec![
            Choice::new("loc-9".into(), "Lira".into(), "lira_district".into()),
            Choice::new("loc-1".into(), "Gulu".into(), "gulu_district".into()),
        ])));
        assert_eq!(list.membership("loc-1"), Some(true));
        assert_eq!(list.membership("loc-2"), Some(false));
        assert_eq!(list.name_of("loc-1"), "Gulu");
        assert_eq!(list.name_of("loc-9"), "Lira");
        assert_eq!(list.name_of("loc-2"), "loc-2");
        assert_eq!(ListState::loading().membership("loc-1"), None);
        assert!(ListState::loading().is_loading());
    }
}
