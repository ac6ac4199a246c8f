//! Groups and locations chosen by name from the project's own lists.

use e2e::nginx::Site;
use e2e::serde_json::json;
use e2e::stand_in_hq::Fault;
use e2e::{with_harness, with_nginx, ConfigFile, Harness};

async fn fill(h: &Harness, username: &str) {
    h.type_into("#username", username).await;
    h.type_into("#password", "s3cret-Pass").await;
}

fn list_gets(h: &Harness, list: &str) -> usize {
    h.stand_in
        .requests()
        .iter()
        .filter(|r| r.method == "GET" && r.path.ends_with(&format!("/{list}/")))
        .count()
}

#[tokio::test]
async fn two_groups_and_locations_are_picked_by_name_and_sent_as_ids() {
    with_harness(ConfigFile::proxy(), |h| async move {
        let groups = h.stand_in.groups("demo");
        let locations = h.stand_in.locations("demo");
        let (gulu, lira) = (
            locations.iter().find(|l| l.name == "Gulu").unwrap().clone(),
            locations.iter().find(|l| l.name == "Lira").unwrap().clone(),
        );
        h.open().await;
        h.wait_for_text("#group-picker .picker-status", |t| {
            t == "250 groups in this project."
        })
        .await;
        assert_eq!(list_gets(&h, "group"), 1, "pages of 1,000, HQ's largest");

        // Search narrows by name; choose two.
        h.type_into("#group-search", "mbale supervisors").await;
        let shown = h
            .js("return document.querySelectorAll('#group-picker .options li').length")
            .await;
        let expected = groups
            .iter()
            .filter(|g| g.name.to_lowercase().contains("mbale supervisors"))
            .count();
        assert_eq!(shown, json!(expected));
        let picked: Vec<_> = groups
            .iter()
            .filter(|g| g.name.to_lowercase().contains("mbale supervisors"))
            .take(2)
            .cloned()
            .collect();
        for g in &picked {
            h.click(&format!("#group-picker input[value='{}']", g.id))
                .await;
        }
        let chosen = h.text("#group-picker .chosen").await;
        assert!(
            chosen.contains(&picked[0].name) && chosen.contains(&picked[1].name),
            "{chosen}"
        );

        // Locations by name and by site code; the second becomes primary.
        h.type_into("#location-search", "Gulu").await;
        h.click(&format!(
            "#location-picker input[value='{}']",
            gulu.location_id
        ))
        .await;
        h.replace_text("#location-search", "lira_district").await;
        h.click(&format!(
            "#location-picker input[value='{}']",
            lira.location_id
        ))
        .await;
        h.select("#primary-location", &lira.location_id).await;
        h.js("document.getElementById('group-picker').scrollIntoView(); return true")
            .await;
        h.screenshot("pickers").await;
        h.assert_accessible("groups and locations chosen").await;

        fill(&h, "picked.worker").await;
        h.click("button[type=submit]").await;
        h.wait_for_text(".created-user-id", |t| !t.is_empty()).await;
        let body = h.user_posts()[0].json();
        assert_eq!(body["groups"], json!([picked[0].id, picked[1].id]));
        assert_eq!(
            body["locations"],
            json!([gulu.location_id, lira.location_id])
        );
        assert_eq!(body["primary_location"], json!(lira.location_id));
    })
    .await;
}

#[tokio::test]
async fn a_failing_group_list_leaves_the_rest_of_the_form_working() {
    with_harness(ConfigFile::proxy(), |h| async move {
        h.stand_in.inject(Fault {
            status: Some(500),
            body: Some(r#"{"error_message": "Sorry"}"#.into()),
            path_contains: Some("/group/".into()),
            ..Fault::default()
        });
        h.open().await;
        let status = h
            .wait_for_text("#group-picker .picker-status", |t| t.contains("Could not load"))
            .await;
        assert_eq!(
            status,
            "Could not load the groups: CommCare HQ had a problem (500). The mobile worker can still be created without groups."
        );
        assert_eq!(h.attr("#group-picker .picker-status", "role").await.as_deref(), Some("status"));
        assert!(!h.exists("#group-search").await);
        h.wait_for_text("#location-picker .picker-status", |t| t.ends_with("locations in this project."))
            .await;

        fill(&h, "no.groups").await;
        h.click("button[type=submit]").await;
        h.wait_for_text(".created-user-id", |t| !t.is_empty()).await;
        assert!(h.user_posts()[0].json().get("groups").is_none());

        // The list can be loaded again once HQ recovers.
        h.click("button.another").await;
        h.click("#group-picker button.refresh").await;
        h.wait_for_text("#group-picker .picker-status", |t| t == "250 groups in this project.")
            .await;
    })
    .await;
}

#[tokio::test]
async fn locations_hide_themselves_where_the_account_has_none() {
    with_harness(ConfigFile::proxy(), |h| async move {
        h.stand_in.inject(Fault {
            status: Some(403),
            body: Some(String::new()),
            path_contains: Some("/location/".into()),
            ..Fault::default()
        });
        h.open().await;
        let note = h
            .wait_for_text("#location-picker .picker-status", |t| {
                t.contains("without locations")
            })
            .await;
        h.assert_accessible("locations unavailable").await;
        assert!(
            note.starts_with("This account may not read the locations of this project (403)."),
            "{note}"
        );
        assert!(!h.exists("#location-search").await);
        assert!(!h.exists("#location-picker button.refresh").await);
        fill(&h, "no.locations").await;
        h.click("button[type=submit]").await;
        h.wait_for_text(".created-user-id", |t| !t.is_empty()).await;
    })
    .await;
}

#[tokio::test]
async fn an_id_not_in_the_projects_list_is_never_sent() {
    with_harness(ConfigFile::proxy(), |h| async move {
        h.open().await;
        h.wait_for_text("#group-picker .picker-status", |t| t.starts_with("250")).await;
        // A draft kept from elsewhere (another tab, an old list) holds an unknown group.
        h.js("sessionStorage.setItem('mobile-worker-form:draft:demo', JSON.stringify({username: 'kept', groups: ['ffffffffffffffffffffffffffffffff']})); return true")
            .await;
        h.browser.refresh().await.unwrap();
        h.app_running().await;
        h.wait_for_text("#group-picker .picker-status", |t| t.starts_with("250")).await;
        h.type_into("#password", "s3cret-Pass").await;
        h.click("button[type=submit]").await;
        let summary = h
            .wait_for_text(".error-summary", |t| t.contains("Group 1 is not one of this project's groups"))
            .await;
        assert!(summary.contains("remove it"), "{summary}");
        assert!(h.user_posts().is_empty());
        h.click(".error-summary a[href='#group-0']").await;
        h.click("#group-0").await; // focused Remove button
        h.click("button[type=submit]").await;
        h.wait_for_text(".created-username", |t| t.starts_with("kept@")).await;
    })
    .await;
}

#[tokio::test]
async fn a_project_of_50000_locations_loads_behind_nginx_with_progress_and_instant_search() {
    let site = Site {
        locations: 50_000,
        ..Site::at("/")
    };
    with_nginx(site, |h| async move {
        // One page waits, so the progress shown part-way can be read.
        h.stand_in.inject(Fault {
            delay_ms: 3000,
            path_contains: Some("offset=12000".into()),
            ..Fault::default()
        });
        h.open().await;
        h.wait_for_text("#location-picker .picker-status", |t| {
            t == "Loading the project's locations… 12,000 of 50,000"
        })
        .await;
        // Still usable while it loads.
        h.type_into("#username", "Village Worker").await;
        h.wait_for_text("#location-picker .picker-status", |t| {
            t == "50,000 locations in this project."
        })
        .await;
        assert_eq!(
            list_gets(&h, "location"),
            50,
            "one full load, inside nginx's read limit"
        );
        // Only the first matches are put on the page; a search finds any of them.
        let shown = h
            .js("return document.querySelectorAll('#location-picker .options li').length")
            .await;
        assert_eq!(shown, json!(25));
        assert!(h
            .text("#location-picker")
            .await
            .contains("49,975 more items match"));
        // The very last one, from the last page, found by its site code in any case.
        let wanted = h.stand_in.locations("demo").pop().unwrap();
        h.type_into("#location-search", &wanted.site_code.to_uppercase())
            .await;
        h.wait_for_text("#location-picker .options", |t| t.contains(&wanted.name))
            .await;
        h.click(&format!(
            "#location-picker input[value='{}']",
            wanted.location_id
        ))
        .await;
        h.type_into("#password", "s3cret-Pass").await;
        h.click("button[type=submit]").await;
        h.wait_for_text(".created-user-id", |t| !t.is_empty()).await;
        let sent = h.user_posts()[0].json();
        assert_eq!(sent["locations"], json!([wanted.location_id]));
    })
    .await;
}
