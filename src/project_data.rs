//! The project's own groups and locations, read from HQ's list APIs so people pick by name.
//!
//! Both lists use tastypie pagination (`{"meta": {"next", …}, "objects": […]}`); every page is
//! followed, but only on the same server, and never in a loop.

use crate::config::Config;
use crate::hq::{self, Credentials, NoAnswer};
use serde::Deserialize;

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

    fn plural(self) -> &'static str {
        match self {
            Resource::Groups => "groups",
            Resource::Locations => "locations",
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
}

impl Choice {
    /// Case-insensitive match on name or detail.
    pub fn matches(&self, query: &str) -> bool {
        let query = query.trim().to_lowercase();
        query.is_empty()
            || self.name.to_lowercase().contains(&query)
            || self.detail.to_lowercase().contains(&query)
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
    Malformed(String),
    /// No answer could be read (network, or a cross-origin error answer).
    Network,
}

impl ReadError {
    /// Whether the list is simply not available to this project or account (locations on a
    /// plan without them, say), rather than broken.
    pub fn means_unavailable(&self) -> bool {
        matches!(self, ReadError::Forbidden | ReadError::NotFound)
    }

    pub fn describe(&self, resource: Resource) -> String {
        let what = resource.plural();
        match self {
            Self::Unauthorized => format!(
                "The {what} could not be loaded: CommCare HQ did not accept the credentials (401)."
            ),
            Self::Forbidden => format!("This account may not read the project's {what} (403)."),
            Self::NotFound => {
                format!("This server offers no {what} list for this project space (404).")
            }
            Self::Server(status) => {
                format!("The {what} could not be loaded: CommCare HQ had a problem ({status}).")
            }
            Self::RateLimited => format!(
                "The {what} could not be loaded: too many requests for now (429). Refresh in a minute."
            ),
            Self::Timeout(seconds) => {
                format!("The {what} could not be loaded: no answer within {seconds} seconds.")
            }
            Self::Malformed(why) => format!(
                "The {what} could not be loaded: the answer was not a CommCare list ({why})."
            ),
            Self::Network => {
                format!("The {what} could not be loaded: no answer could be read from the server.")
            }
        }
    }
}

#[derive(Deserialize)]
struct Meta {
    next: Option<String>,
}

#[derive(Deserialize)]
struct Page {
    meta: Meta,
    objects: Vec<serde_json::Value>,
}

/// Most pages a list may have; tastypie's largest page is 1000 items.
pub const MAX_PAGES: usize = 100;
pub const PAGE_SIZE: usize = 100;

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

/// Reads one page: its choices and the URL of the next page, if any.
pub fn read_page(
    resource: Resource,
    current_url: &str,
    body: &str,
) -> Result<(Vec<Choice>, Option<String>), ReadError> {
    let page: Page = serde_json::from_str(body).map_err(|e| ReadError::Malformed(e.to_string()))?;
    let choices = page
        .objects
        .iter()
        .map(|object| choice(resource, object))
        .collect::<Result<Vec<_>, _>>()?;
    let next = match page.meta.next.filter(|n| !n.is_empty()) {
        None => None,
        Some(next) => Some(next_url(current_url, &next)?),
    };
    Ok((choices, next))
}

fn text(object: &serde_json::Value, key: &str) -> Option<String> {
    object.get(key).and_then(|v| v.as_str()).map(str::to_string)
}

fn choice(resource: Resource, object: &serde_json::Value) -> Result<Choice, ReadError> {
    let id_key = match resource {
        Resource::Groups => "id",
        // HQ's user API takes location ids (`location_id`), not the resource's own id.
        Resource::Locations => "location_id",
    };
    let id = text(object, id_key)
        .filter(|id| !id.is_empty())
        .ok_or_else(|| ReadError::Malformed(format!("an item has no \"{id_key}\"")))?;
    let name = text(object, "name").unwrap_or_else(|| id.clone());
    let detail = match resource {
        Resource::Groups => String::new(),
        Resource::Locations => text(object, "site_code").unwrap_or_default(),
    };
    Ok(Choice { id, name, detail })
}

/// Resolves tastypie's `next`, which HQ gives as `?limit=…&offset=…`, a path, or a full URL.
/// A next page is the same list with another query: anything that leaves this list's path on
/// this server (or hides a trick in backslashes or spaces) is refused, so no credential follows it.
pub fn next_url(current_url: &str, next: &str) -> Result<String, ReadError> {
    let refuse = || ReadError::Malformed("a page linked outside this list".into());
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
        other => Some(ReadError::Malformed(format!("status {other}"))),
    }
}

/// Reads every page of the list.
pub async fn load_all(
    config: &Config,
    credentials: Option<&Credentials>,
    resource: Resource,
) -> Result<Vec<Choice>, ReadError> {
    let mut url = first_url(config, resource);
    let mut seen = vec![url.clone()];
    let mut all = Vec::new();
    for _ in 0..MAX_PAGES {
        let (status, body) = hq::exchange(&url, None, credentials, config.timeout_seconds)
            .await
            .map_err(|e| match e {
                NoAnswer::Timeout => ReadError::Timeout(config.timeout_seconds),
                NoAnswer::Network => ReadError::Network,
            })?;
        if let Some(error) = status_error(status) {
            return Err(error);
        }
        let (choices, next) = read_page(resource, &url, &body)?;
        all.extend(choices);
        match next {
            Some(next) if !seen.contains(&next) => {
                seen.push(next.clone());
                url = next;
            }
            Some(_) => return Err(ReadError::Malformed("the pages link in a loop".into())),
            None => return Ok(all),
        }
    }
    Err(ReadError::Malformed(format!("more than {MAX_PAGES} pages")))
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
        let (choices, next) = read_page(Resource::Groups, LIST, body).unwrap();
        assert_eq!(
            choices[0],
            Choice {
                id: "g1".into(),
                name: "Gulu CHWs".into(),
                detail: String::new()
            }
        );
        assert_eq!(choices.len(), 2);
        assert_eq!(
            next.as_deref(),
            Some("/a/demo/api/v0.5/group/?limit=2&offset=2")
        );
    }

    #[test]
    fn the_last_page_has_no_next() {
        let body = r#"{"meta": {"next": null}, "objects": []}"#;
        assert_eq!(
            read_page(Resource::Groups, LIST, body).unwrap(),
            (vec![], None)
        );
    }

    #[test]
    fn locations_use_location_id_and_site_code() {
        let body = r#"{"meta": {"next": null}, "objects": [
            {"id": "7", "location_id": "loc-abc", "name": "Gulu", "site_code": "gulu_dist"}]}"#;
        let (choices, _) = read_page(Resource::Locations, LIST, body).unwrap();
        assert_eq!(choices[0].id, "loc-abc");
        assert_eq!(choices[0].detail, "gulu_dist");
        assert!(choices[0].matches("GULU_D"));
        assert!(choices[0].matches(" gu "));
        assert!(!choices[0].matches("lira"));
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
            .starts_with("The locations could not be loaded"));
    }

    #[test]
    fn the_first_url_asks_for_json_and_large_pages() {
        let config = Config::parse(
            r#"{"base_url": "https://hq.example", "domain": "demo", "auth": "api_key"}"#,
        )
        .unwrap();
        assert_eq!(
            first_url(&config, Resource::Locations),
            "https://hq.example/a/demo/api/v0.5/location/?format=json&limit=100"
        );
    }
}
