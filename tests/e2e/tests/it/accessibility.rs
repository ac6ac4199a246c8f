//! The accessibility check itself: axe-core runs in the page and reports what it finds, so a
//! clean result elsewhere means something.

use e2e::{with_harness, ConfigFile};

#[tokio::test]
async fn axe_core_finds_a_control_without_a_label() {
    with_harness(ConfigFile::proxy(), |h| async move {
        h.open().await;
        assert_eq!(h.accessibility_violations().await, Vec::<String>::new());
        h.js(
            "const i = document.createElement('input'); i.id = 'unlabelled'; \
              document.querySelector('form.registration').append(i); return true",
        )
        .await;
        let found = h.accessibility_violations().await;
        assert!(
            found
                .iter()
                .any(|v| v.starts_with("label") && v.contains("#unlabelled")),
            "{found:?}"
        );
    })
    .await;
}
