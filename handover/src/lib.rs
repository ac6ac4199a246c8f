//! Handover slips: the sheet the page shows and prints (`sheet.rs`), and the QR code on each
//! slip, from `qrcodegen` (Project Nayuki's reference encoder), error correction M and the
//! smallest version that holds the install address. A module of its own, with its styles and
//! texts: the page fetches it the first time slips are asked for, so no one who never prints
//! one downloads any of it.
//!
//! The code comes out as the path of an SVG drawing (`d`), one unit per module, inside a quiet
//! zone of four modules.

use qrcodegen::{QrCode, QrCodeEcc};

/// The quiet zone readers need around a code, in modules.
pub const QUIET_ZONE: usize = 4;

/// A code ready to draw: its side in modules, quiet zone included, and its dark modules as
/// one SVG path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Drawing {
    pub side: usize,
    pub path: String,
}

/// The QR code of `text`, or `None` when it is too long for any QR code.
pub fn encode(text: &str) -> Option<Drawing> {
    let code = QrCode::encode_text(text, QrCodeEcc::Medium).ok()?;
    let size = code.size();
    let mut path = String::new();
    for y in 0..size {
        let mut x = 0;
        while x < size {
            if !code.get_module(x, y) {
                x += 1;
                continue;
            }
            // One rectangle for each run of dark modules in a row.
            let start = x;
            while x < size && code.get_module(x, y) {
                x += 1;
            }
            let (left, top) = (start as usize + QUIET_ZONE, y as usize + QUIET_ZONE);
            path.push_str(&format!("M{left} {top}h{}v1H{left}z", x - start));
        }
    }
    Some(Drawing {
        side: size as usize + 2 * QUIET_ZONE,
        path,
    })
}

#[cfg(target_arch = "wasm32")]
mod sheet;

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads the drawing back into modules (dark or light), as a scanner's grid would.
    fn modules(drawing: &Drawing) -> Vec<Vec<bool>> {
        let mut grid = vec![vec![false; drawing.side]; drawing.side];
        for rect in drawing.path.split('M').filter(|r| !r.is_empty()) {
            let numbers: Vec<usize> = rect
                .split(|c: char| !c.is_ascii_digit())
                .filter(|n| !n.is_empty())
                .map(|n| n.parse().unwrap())
                .collect();
            let (left, top, width) = (numbers[0], numbers[1], numbers[2]);
            for cell in &mut grid[top][left..left + width] {
                *cell = true;
            }
        }
        grid
    }

    #[test]
    fn a_code_is_drawn_module_for_module_inside_its_quiet_zone() {
        let url = "https://www.commcarehq.org/a/demo/app/download/abc123/";
        let drawing = encode(url).unwrap();
        let code = QrCode::encode_text(url, QrCodeEcc::Medium).unwrap();
        let grid = modules(&drawing);
        assert_eq!(drawing.side, code.size() as usize + 8);
        let inside = |v: usize| (QUIET_ZONE..drawing.side - QUIET_ZONE).contains(&v);
        for (y, row) in grid.iter().enumerate() {
            for (x, &drawn) in row.iter().enumerate() {
                let dark = inside(x)
                    && inside(y)
                    && code.get_module((x - QUIET_ZONE) as i32, (y - QUIET_ZONE) as i32);
                assert_eq!(drawn, dark, "module {x},{y}");
            }
        }
    }

    #[test]
    fn error_correction_is_m_and_the_version_the_smallest_that_holds_the_text() {
        let code = QrCode::encode_text("https://example.org/app", QrCodeEcc::Medium).unwrap();
        assert_eq!(code.error_correction_level(), QrCodeEcc::Medium);
        assert_eq!(encode("https://example.org/app").unwrap().side, 25 + 8);
        assert!(encode(&"x".repeat(5000)).is_none());
    }
}
