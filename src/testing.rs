//! Helpers shared by the unit tests (compiled only for them).

/// A xorshift64 stream (Marsaglia's 13/7/17): a fixed, dependency-free sequence for tests that
/// feed garbage bytes or random sizes to a decoder. Not for anything a user sees: the kernels
/// draw from [`crate::random::Rng`].
pub(crate) fn xorshift(seed: u64) -> impl FnMut() -> u64 {
    let mut state = seed.max(1);
    move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    }
}
