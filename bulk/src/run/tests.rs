//! Whole runs with a clock and given answers: no browser, no HQ.

use super::*;
use crate::english;
use crate::rows::{check, Lists};
use crate::sheet::read;
use mobile_worker_form::json::Json;
use mobile_worker_form::worker::password::Verdict;

/// The rows of a small file, checked under `policy`.
fn rows(csv: &str, policy: &ProjectPolicy) -> Vec<Checked> {
    let sheet = read(csv.as_bytes()).unwrap();
    check(
        &sheet,
        &Lists {
            groups: &[],
            locations: &[],
            policy,
            generate_passwords: true,
            strength: &|_, _| Verdict::Strong(4),
            domain: "demo",
            country_code: None,
        },
    )
}

/// A run over `rows`, started.
fn running(rows: &[Checked]) -> Run {
    let mut run = Run {
        statuses: vec![Status::Waiting; rows.len()],
        ..Run::default()
    };
    assert!(run.start());
    run
}

fn no_password(_: &Checked) -> Option<String> {
    None
}

/// The row the run sends now; fails on a wait or the end.
fn send(run: &mut Run, rows: &[Checked], now: u64) -> usize {
    match run.begin_row(rows, &ProjectPolicy::default(), now, &mut no_password) {
        Step::Send { row, .. } => row,
        other => panic!("at {now} ms: {other:?}"),
    }
}

const FOUR: &str = "username,password\na,pw-a\nb,pw-b\nc,pw-c\nd,pw-d\n";

fn created(id: &str) -> Result<String, CreateError> {
    Ok(id.to_string())
}

#[test]
fn answers_decide_the_row_and_the_run() {
    assert_eq!(
        after(Ok("abc".into())),
        (
            Status::Created {
                user_id: "abc".into()
            },
            Next::GoOn
        )
    );
    assert_eq!(
        after(Err(CreateError::RateLimited)),
        (Status::Waiting, Next::Again)
    );
    let (status, next) = after(Err(CreateError::Refused {
        message: "Username 'a@d.commcarehq.org' is already taken or reserved.".into(),
    }));
    assert!(matches!(status, Status::Refused { .. }) && next == Next::GoOn);
    for unsure in [
        CreateError::ServerFault { status: 500 },
        CreateError::Timeout { seconds: 30 },
        CreateError::Network,
        CreateError::CreatedUnreadable { status: 201 },
    ] {
        let (status, next) = after(Err(unsure.clone()));
        assert!(matches!(status, Status::Unsure { .. }), "{unsure:?}");
        assert_eq!(next, Next::GoOn);
    }
    let (status, next) = after(Err(CreateError::Forbidden));
    assert_eq!(status, Status::Waiting);
    assert!(matches!(next, Next::Stop(_)));
}

#[test]
fn every_ready_row_is_sent_once_at_the_pace_then_the_run_finishes() {
    let rows = rows(
        "username,password\na,pw-a\n,pw-b\nc,pw-c\n",
        &ProjectPolicy::default(),
    );
    assert!(!rows[1].is_ready(), "a row with no username");
    let mut run = running(&rows);
    assert_eq!(send(&mut run, &rows, 0), 0);
    assert_eq!(run.statuses[0], Status::Sending);
    run.finish_row(0, created("id-a"), 100);
    let Step::Wait { until, held } =
        run.begin_row(&rows, &ProjectPolicy::default(), 200, &mut no_password)
    else {
        panic!("the pace holds the next row back")
    };
    assert!(until > 200 && !held, "{until}");
    assert_eq!(
        send(&mut run, &rows, until),
        2,
        "the row with problems is never sent"
    );
    run.finish_row(2, created("id-c"), until + 100);
    assert_eq!(
        run.begin_row(
            &rows,
            &ProjectPolicy::default(),
            u64::MAX / 2,
            &mut no_password
        ),
        Step::Done
    );
    assert_eq!(run.phase, Phase::Finished);
    let counts = Counts::of(&rows, &run.statuses);
    assert_eq!((counts.created, counts.problems, counts.done()), (2, 1, 2));
}

#[test]
fn two_unclear_answers_in_a_row_stop_the_run_one_does_not() {
    let rows = rows(FOUR, &ProjectPolicy::default());
    let mut run = running(&rows);
    let mut now = 0;
    let mut answer = |run: &mut Run, answer: Result<String, CreateError>| {
        let row = send(run, &rows, now);
        run.finish_row(row, answer, now + 10);
        now = run.pacer.next_at().max(now + 10);
        row
    };
    answer(&mut run, Err(CreateError::ServerFault { status: 500 }));
    assert_eq!(run.phase, Phase::Running, "one may be HQ's bad moment");
    answer(&mut run, created("id-b"));
    answer(&mut run, Err(CreateError::Timeout { seconds: 30 }));
    assert_eq!(run.phase, Phase::Running);
    answer(&mut run, Err(CreateError::Network));
    assert_eq!(
        run.phase,
        Phase::Stopped(Some(Message::new("bulk.error.no_clear_answers")))
    );
    assert!(matches!(run.statuses[3], Status::Unsure { .. }));
    // Resuming counts afresh.
    assert!(run.start());
    assert_eq!(run.unclear_in_a_row, 0);
}

#[test]
fn a_change_of_the_projects_policies_mid_run_stops_it_before_sending() {
    let rows = rows(FOUR, &ProjectPolicy::default());
    let mut run = running(&rows);
    send(&mut run, &rows, 0);
    run.finish_row(0, created("id-a"), 10);
    let stricter = ProjectPolicy::read(
        &Json::parse(r#"{"user_fields": [{"slug": "district", "required": true}]}"#).unwrap(),
    )
    .unwrap();
    let later = run.pacer.next_at();
    assert_eq!(
        run.begin_row(&rows, &stricter, later, &mut no_password),
        Step::Done
    );
    assert_eq!(run.phase, Phase::Stopped(None));
    assert_eq!(run.statuses[1], Status::Waiting, "nothing was sent");
}

#[test]
fn pause_during_a_request_keeps_its_answer_and_resume_goes_on() {
    let rows = rows(FOUR, &ProjectPolicy::default());
    let mut run = running(&rows);
    let out = send(&mut run, &rows, 0);
    run.pause();
    assert_eq!(run.phase, Phase::Paused);
    run.finish_row(out, created("id-a"), 50);
    assert_eq!(
        run.statuses[0],
        Status::Created {
            user_id: "id-a".into()
        }
    );
    assert_eq!(
        run.phase,
        Phase::Paused,
        "the answer does not resume the run"
    );
    let later = run.pacer.next_at() + 60_000;
    assert_eq!(
        run.begin_row(&rows, &ProjectPolicy::default(), later, &mut no_password),
        Step::Done
    );
    assert!(run.start());
    assert!(!run.start(), "already running");
    assert_eq!(send(&mut run, &rows, later), 1);
    run.stop();
    assert_eq!(run.phase, Phase::Stopped(None));
}

#[test]
fn a_rate_limit_waits_and_sends_the_same_row_again() {
    let rows = rows(FOUR, &ProjectPolicy::default());
    let mut run = running(&rows);
    let row = send(&mut run, &rows, 0);
    run.finish_row(row, Err(CreateError::RateLimited), 10);
    assert_eq!(run.statuses[row], Status::Waiting);
    let Step::Wait { until, held } =
        run.begin_row(&rows, &ProjectPolicy::default(), 20, &mut no_password)
    else {
        panic!("held back")
    };
    assert!(held && until >= 15_000, "{until}");
    assert_eq!(send(&mut run, &rows, until), row);
}

#[test]
fn an_answer_after_which_nothing_can_succeed_stops_the_run_saying_why() {
    let rows = rows(FOUR, &ProjectPolicy::default());
    let mut run = running(&rows);
    let row = send(&mut run, &rows, 0);
    run.finish_row(row, Err(CreateError::Forbidden), 10);
    assert_eq!(run.statuses[row], Status::Waiting, "nothing was created");
    let Phase::Stopped(Some(why)) = &run.phase else {
        panic!("{:?}", run.phase)
    };
    assert!(english(why).contains("403"), "{}", english(why));
}

#[test]
fn a_row_needing_a_password_the_page_cannot_make_stops_the_run() {
    let rows = rows("username,password\na,\n", &ProjectPolicy::default());
    assert!(rows[0].needs_password && rows[0].is_ready());
    let mut run = running(&rows);
    assert_eq!(
        run.begin_row(&rows, &ProjectPolicy::default(), 0, &mut no_password),
        Step::Done
    );
    assert_eq!(
        run.phase,
        Phase::Stopped(Some(Message::new("bulk.error.no_random_numbers")))
    );
    let mut run = running(&rows);
    let Step::Send { body, .. } = run.begin_row(&rows, &ProjectPolicy::default(), 0, &mut |_| {
        Some("Xy3!abcdefghjk".into())
    }) else {
        panic!("sent with the generated password")
    };
    assert_eq!(body.password.as_deref(), Some("Xy3!abcdefghjk"));
}

#[test]
fn the_page_says_what_the_run_does_and_hears_no_countdown() {
    let waiting = Some(10_500.0);
    let said = |m: Option<Message>| m.map(|m| english(&m)).unwrap_or_default();
    assert!(said(doing(&Phase::Running, &Counts::default(), waiting, 1_000.0)).contains("10 s"));
    assert_eq!(
        said(announced(
            &Phase::Running,
            &Counts::default(),
            waiting,
            1_000.0
        )),
        english(&Message::new("bulk.waiting_announced"))
    );
    assert_eq!(
        doing(&Phase::Preparing, &Counts::default(), None, 0.0),
        None
    );
    let counts = Counts {
        waiting: 3,
        ..Counts::default()
    };
    assert!(said(time_left(&Phase::Running, &counts, 30_000)).contains("30"));
    assert!(said(time_left(&Phase::Running, &counts, 600_000)).contains("10"));
    assert_eq!(time_left(&Phase::Paused, &counts, 30_000), None);
}

#[test]
fn the_rows_not_created_are_listed_with_why() {
    let rows = rows(FOUR, &ProjectPolicy::default());
    let statuses = vec![
        Status::Created {
            user_id: "x".into(),
        },
        Status::Refused {
            error: CreateError::Refused {
                message: "Username taken".into(),
            },
        },
        Status::Unsure { error: None },
        Status::Waiting,
    ];
    let listed = not_created(&rows, &statuses);
    assert_eq!(listed.len(), 2);
    assert_eq!((listed[0].number, listed[0].username.as_str()), (3, "b"));
    assert!(english(listed[0].why.as_ref().unwrap()).contains("Username taken"));
    assert_eq!(listed[1].outcome, Message::new("bulk.status.unsure"));
}

#[test]
fn rows_an_earlier_run_created_are_counted_as_such_before_their_problems() {
    // The same file after a reload that forgot "Generate a password": its empty passwords
    // are problems now, but two of its rows were created and one may have been.
    let rows = rows(
        "username,password\na,\nb,\nc,\nd,\n",
        &ProjectPolicy::default(),
    );
    let rows: Vec<Checked> = rows
        .into_iter()
        .map(|row| Checked {
            problems: vec![Message::new("bulk.problem.password_missing")],
            ..row
        })
        .collect();
    let made = |id: &str| Status::Created {
        user_id: id.to_string(),
    };
    let statuses = [
        made("id-a"),
        made("id-b"),
        Status::Unsure { error: None },
        Status::Waiting,
    ];
    let counts = Counts::of(&rows, &statuses);
    assert_eq!(
        (
            counts.created,
            counts.unsure,
            counts.problems,
            counts.waiting
        ),
        (2, 1, 1, 0)
    );
    assert!(!held_back(&rows[0], &statuses[0]));
    assert!(held_back(&rows[3], &statuses[3]));
}

#[test]
fn a_row_repeating_a_sent_username_is_not_taken_for_the_one_sent() {
    let rows = rows(
        "username,password\na,pw-a\nb,pw-b\nA,pw-c\n",
        &ProjectPolicy::default(),
    );
    let mut kept = Kept::default();
    let made = Status::Created {
        user_id: "id-a".into(),
    };
    kept.record("a", &made);
    let statuses = kept_statuses(&rows, &kept);
    assert_eq!(statuses, [made, Status::Waiting, Status::Waiting]);
    assert!(
        held_back(&rows[2], &statuses[2]),
        "the repeat is still a problem"
    );
}
