//! Identicons: a 5×5, left-right symmetric pattern and a hue derived from a seed (the user
//! id), so every account has a recognisable avatar without any outside service.

/// FNV-1a, 64-bit: stable across builds and targets (browser and server draw the same).
fn fnv1a(seed: &str) -> u64 {
    seed.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The filled cells `(column, row)` of the 5×5 grid, and the hue (0–359) to draw them in.
pub fn pattern(seed: &str) -> (u16, Vec<(u8, u8)>) {
    let hash = fnv1a(seed);
    let hue = u16::try_from((hash >> 48) % 360).unwrap_or(0);
    let mut cells = Vec::new();
    for row in 0..5u8 {
        for column in 0..3u8 {
            if hash >> (row * 3 + column) & 1 == 1 {
                cells.push((column, row));
                if column < 2 {
                    cells.push((4 - column, row));
                }
            }
        }
    }
    (hue, cells)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_symmetric_and_distinct() {
        let (hue, cells) = pattern("user-1");
        assert_eq!(pattern("user-1"), (hue, cells.clone()));
        assert!(hue < 360);
        for (c, r) in &cells {
            assert!(cells.contains(&(4 - c, *r)), "mirrored");
        }
        assert_ne!(pattern("user-1"), pattern("user-2"));
    }
}
