//! libFuzzer on one reader, named by `FUZZ_READER` (`cargo xtask fuzz <reader>` sets it).
//! Before fuzzing, `FUZZ_SEEDS_TO` names a folder to write the reader's seeds into (libFuzzer's
//! first corpus), and `FUZZ_LIST` prints the readers' names instead.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mobile_worker_fuzz::{reader, seeds, Reader, READERS};
use std::io::Write;
use std::sync::LazyLock;

static READER: LazyLock<&'static Reader> = LazyLock::new(|| {
    let name = std::env::var("FUZZ_READER").unwrap_or_default();
    reader(&name).unwrap_or_else(|| {
        let names: Vec<_> = READERS.iter().map(|r| r.name).collect();
        panic!("FUZZ_READER must be one of {names:?}")
    })
});

fn prepare() {
    if std::env::var_os("FUZZ_LIST").is_some() {
        let names: Vec<_> = READERS.iter().map(|r| r.name).collect();
        let _ = std::io::stdout().write_all(names.join("\n").as_bytes());
        std::process::exit(0);
    }
    if let Some(folder) = std::env::var_os("FUZZ_SEEDS_TO") {
        let folder = std::path::PathBuf::from(folder);
        std::fs::create_dir_all(&folder).expect("the corpus folder can be made");
        for (n, seed) in seeds(READER.name).iter().enumerate() {
            std::fs::write(folder.join(format!("seed-{n}")), seed).expect("a seed is written");
        }
    }
}

fuzz_target!(init: prepare(), |data: &[u8]| (READER.read)(data));
