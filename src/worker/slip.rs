//! A handover slip: what a new mobile worker needs on paper to log in on their phone. Made
//! from what the page holds in memory when the worker is created, never from storage, and
//! dropped with it.

use crate::i18n::Lang;
use crate::json::Json;

/// One worker's slip. The app to install (`config::handover`) is the same on every slip and
/// is kept beside them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Slip {
    /// The worker's name as typed (first and last), perhaps empty.
    pub name: String,
    /// What the worker types in the CommCare app.
    pub username: String,
    /// `name@project.commcarehq.org`, as HQ lists the worker.
    pub full_username: String,
    /// The password, while the page still holds it; else the slip has a line to write it on.
    pub password: Option<String>,
}

impl Slip {
    pub fn new(
        username: &str,
        full_username: String,
        names: [Option<&str>; 2],
        password: Option<String>,
    ) -> Slip {
        Slip {
            name: names.into_iter().flatten().collect::<Vec<_>>().join(" "),
            username: username.to_string(),
            full_username,
            password,
        }
    }
}

/// What the handover module is handed to show `slips` (`handover/src/sheet.rs`): the page's
/// language, the project space, the app to install (`handover`, the JSON text `config::handover` checked), and
/// the slips. In memory only, as the slips are.
pub fn sheet_json(
    lang: Lang,
    project_space: &str,
    slips: &[Slip],
    handover: Option<&str>,
) -> String {
    let field = |key: &str, value: Json| (key.to_string(), value);
    let slips = slips.iter().map(|slip| {
        let text = |key: &str, value: &str| field(key, Json::from(value));
        Json::Object(vec![
            text("name", &slip.name),
            text("username", &slip.username),
            text("full_username", &slip.full_username),
            field(
                "password",
                slip.password.as_deref().map_or(Json::Null, Json::from),
            ),
        ])
    });
    Json::Object(vec![
        field("lang", Json::from(lang.code())),
        field("project_space", Json::from(project_space)),
        field(
            "handover",
            handover
                .and_then(|text| Json::parse(text).ok())
                .unwrap_or(Json::Null),
        ),
        field("slips", Json::List(slips.collect())),
    ])
    .write()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slip_names_the_worker_as_typed() {
        let slip = Slip::new(
            "amina.k",
            "amina.k@demo.commcarehq.org".into(),
            [Some("Amina"), Some("Kato")],
            Some("Tq7-ravel-Osprey".into()),
        );
        assert_eq!(slip.name, "Amina Kato");
        let nameless = Slip::new("x", "x@demo.commcarehq.org".into(), [None, None], None);
        assert_eq!(nameless.name, "");
        assert_eq!(nameless.password, None);
    }

    #[test]
    fn the_sheet_is_handed_over_as_json_with_each_slip() {
        let slip = Slip::new(
            "amina.k",
            "amina.k@demo.commcarehq.org".into(),
            [Some("Amina"), None],
            None,
        );
        let handover = r#"{"app_name": "CHW \"App\"", "install_url": "https://a.example/i"}"#;
        let json = Json::parse(&sheet_json(Lang::Ar, "demo", &[slip], Some(handover))).unwrap();
        assert_eq!(json.get("lang").and_then(Json::as_str), Some("ar"));
        assert_eq!(
            json.get("project_space").and_then(Json::as_str),
            Some("demo")
        );
        let app = json.get("handover").unwrap();
        assert_eq!(
            app.get("app_name").and_then(Json::as_str),
            Some("CHW \"App\"")
        );
        assert_eq!(app.get("note"), None);
        let slips = json.get("slips").and_then(Json::as_list).unwrap();
        assert_eq!(slips[0].get("name").and_then(Json::as_str), Some("Amina"));
        assert!(slips[0].get("password").unwrap().is_null());
        let none = Json::parse(&sheet_json(Lang::En, "demo", &[], None)).unwrap();
        assert!(none.get("handover").unwrap().is_null());
    }
}
