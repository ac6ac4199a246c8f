//! Which usernames other tabs of this browser sent. A tab's record of a run lives in its own
//! sessionStorage, so another tab (or the same file after its tab was closed) cannot see it;
//! this shared note (localStorage) lets a tab say so, and point to HQ, the record of truth.
//! It holds short hashes of the usernames, never the names, and never a password.

use mobile_worker_form::json::Json;
use mobile_worker_form::worker::normalise_username;

/// How many tabs' notes are kept, the latest last.
const MAX_TABS: usize = 20;
/// How many usernames a tab's note holds: more than a file may have rows.
const MAX_NAMES: usize = 5000;

/// A username as the note holds it: FNV-1a over its normalised form.
pub fn hash(username: &str) -> u32 {
    normalise_username(username)
        .bytes()
        .fold(0x811c_9dc5, |h: u32, b| {
            (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
        })
}

/// The usernames each tab sent, by tab.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SentByTabs {
    tabs: Vec<(String, Vec<u32>)>,
}

impl SentByTabs {
    /// What was kept; anything not understood is left out.
    pub fn from_json(json: &Json) -> SentByTabs {
        let tabs = json
            .as_list()
            .unwrap_or_default()
            .iter()
            .filter_map(|entry| {
                let tab = entry.get("tab")?.as_str()?.to_string();
                let names = entry.get("names")?.as_list()?;
                let names = names
                    .iter()
                    .filter_map(|n| n.as_whole().and_then(|n| u32::try_from(n).ok()))
                    .take(MAX_NAMES)
                    .collect();
                Some((tab, names))
            })
            .take(MAX_TABS)
            .collect();
        SentByTabs { tabs }
    }

    pub fn to_json(&self) -> Json {
        Json::List(
            self.tabs
                .iter()
                .map(|(tab, names)| {
                    Json::object([
                        ("tab", Json::from(tab.as_str())),
                        (
                            "names",
                            Json::List(names.iter().map(|n| Json::from(u64::from(*n))).collect()),
                        ),
                    ])
                })
                .collect(),
        )
    }

    /// Notes that `tab` sent `username`; returns whether the note changed.
    pub fn note(&mut self, tab: &str, username: &str) -> bool {
        let name = hash(username);
        let at = match self.tabs.iter().position(|(t, _)| t == tab) {
            Some(at) => at,
            None => {
                self.tabs.push((tab.to_string(), Vec::new()));
                if self.tabs.len() > MAX_TABS {
                    self.tabs.remove(0);
                }
                self.tabs.len() - 1
            }
        };
        let names = &mut self.tabs[at].1;
        if names.contains(&name) || names.len() >= MAX_NAMES {
            return false;
        }
        names.push(name);
        true
    }

    /// Whether a tab other than `tab` sent `username`.
    pub fn sent_elsewhere(&self, tab: &str, username: &str) -> bool {
        let name = hash(username);
        self.tabs
            .iter()
            .any(|(t, names)| t != tab && names.contains(&name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_username_sent_from_another_tab_is_recognised_without_being_kept() {
        let mut sent = SentByTabs::default();
        assert!(sent.note("tab-a", "Amina"));
        assert!(
            !sent.note("tab-a", "amina "),
            "the same name, as HQ compares"
        );
        let again = SentByTabs::from_json(&Json::parse(&sent.to_json().write()).unwrap());
        assert!(again.sent_elsewhere("tab-b", "AMINA"));
        assert!(!again.sent_elsewhere("tab-a", "amina"), "its own tab knows");
        assert!(!again.sent_elsewhere("tab-b", "bo"));
        assert!(!sent.to_json().write().contains("amina"), "only hashes");
        // Old tabs give way to new ones.
        for n in 0..30 {
            sent.note(&format!("tab-{n}"), "x");
        }
        assert_eq!(sent.tabs.len(), MAX_TABS);
        assert!(!sent.sent_elsewhere("tab-b", "amina"));
        let odd = SentByTabs::from_json(
            &Json::parse(r#"[{"tab": 5}, {"tab": "t", "names": [-1, 7]}]"#).unwrap(),
        );
        assert_eq!(odd.tabs, [("t".to_string(), vec![7])]);
    }
}
