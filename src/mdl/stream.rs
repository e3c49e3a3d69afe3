//! The entropy-coded stream that makes occam's code lengths real: what the lengths in this module's
//! siblings count, [`Encoder`] writes and [`Decoder`] reads back.
//!
//! Both wrap `constriction`'s range coder (a queue: symbols come out in the order they went in)
//! with 64-bit words, a 128-bit state and probabilities quantised to 2³² units. With the state
//! at least 2⁶⁴ wide after every renormalisation, the coder's own rounding costs under 2⁻³¹ bits a
//! symbol, so a stream's length is its information content Σ −log₂ p under the quantised models,
//! plus the flush of the final state (at most about a byte, see [`Encoder::finish`]).
//!
//! What can be coded, and at what length:
//!
//! - raw bits and the universal integer codes ([`BitSink`] / [`BitSource`]): exactly their
//!   stated lengths, each bit at probability ½; a [`Constant`](super::Constant) therefore costs
//!   its [`bits`](super::Constant::bits);
//! - a uniform symbol out of A ≤ 2³² ([`Encoder::write_uniform`]): log₂A bits to within
//!   A·2⁻³² (a formula's tokens);
//! - a class with the 2¹⁶ frequencies of [`quantise`](super::quantise)
//!   ([`Encoder::write_categorical`]): exactly log₂(2¹⁶/f), the length
//!   [`categorical_bits`](super::categorical_bits) counts;
//! - a symbol under a static model of counts ([`CountModel`]): −log₂(f/2³²), with f the count
//!   quantised to 2³² units;
//! - a numeric target k given the prediction μ/δ and a residual code's family and scale
//!   ([`Encoder::write_residual`]): the discretised Gaussian or Laplace with the escape floor of
//!   [`residuals`](super::residuals), see [`ResidualModel`].
//!
//! Every write adds −log₂ p of what it coded to [`Encoder::bits`] (and every read to
//! [`Decoder::bits`]), so a caller can split a file's length into parts and report what was
//! actually coded rather than an estimate.

use std::cell::Cell;

use constriction::backends::Cursor;
use constriction::stream::model::{DecoderModel, EncoderModel, EntropyModel};
use constriction::stream::queue::{EncoderSituation, RangeCoderState, RangeDecoder, RangeEncoder};
use constriction::stream::{Code, Decode, Encode};

use super::integers::{BitSink, BitSource};
use super::residuals::{round_half_away, Family, ESCAPE_LOG2};
use super::MdlError;

/// Bits of the coder's probability scale: every model's probabilities are integers out of 2³².
pub const PRECISION: usize = 32;

/// 2³², the total every model's frequencies sum to.
const TOTAL: u64 = 1 << PRECISION;

/// The escape's share of a residual row: ε·2³² = 2¹² units (ε = 2⁻²⁰, [`ESCAPE_LOG2`]).
const ESCAPE_UNITS: u64 = 1 << (PRECISION as i32 + ESCAPE_LOG2 as i32);

/// The family's share of a residual row: 2³² − 2¹² units.
const FAMILY_UNITS: u64 = TOTAL - ESCAPE_UNITS;

/// Half-widths of a residual window in units of the scale: beyond them the family's mass is
/// below 2⁻⁵⁵ (Gaussian, P(|Z| > 8.5) ≈ 1.9·10⁻¹⁷) or e⁻³⁸ ≈ 3·10⁻¹⁷ (Laplace), and the escape
/// is cheaper than the family anyway (see [`ResidualModel`]).
const GAUSSIAN_REACH: f64 = 8.5;
const LAPLACE_REACH: f64 = 38.0;

/// A bucket holds 2^b consecutive integers with b = ⌊log₂ s⌋ − [`BUCKET_SHIFT`] (at least 0),
/// so that the scale is 16 to 32 buckets wide.
const BUCKET_SHIFT: i32 = 4;

/// The most buckets a window holds (reached only at scales beyond 2⁶⁶ δ, where the bucket width
/// stops growing).
const MAX_WINDOW: i64 = 1 << 13;

/// Predictions and targets in units of δ must stay below 2⁶² in magnitude.
const MAX_UNITS: f64 = 4_611_686_018_427_387_904.0;

type Coder = RangeEncoder<u64, u128>;
type Reader = RangeDecoder<u64, u128, Cursor<u64, Vec<u64>>>;

/// Writes symbols into a range-coded stream and counts their information content.
#[derive(Debug, Clone)]
pub struct Encoder {
    coder: Coder,
    bits: f64,
}

/// Reads what an [`Encoder`] wrote, with the same models in the same order.
#[derive(Debug, Clone)]
pub struct Decoder {
    coder: Reader,
    bits: f64,
    payload_bits: u64,
}

impl Default for Encoder {
    fn default() -> Self {
        Encoder::new()
    }
}

impl Encoder {
    /// An empty stream.
    pub fn new() -> Encoder {
        Encoder { coder: Coder::new(), bits: 0.0 }
    }

    /// Σ −log₂ p over everything coded so far: the stream's length before its flush.
    pub fn bits(&self) -> f64 {
        self.bits
    }

    /// Codes one symbol of a model, adding its length.
    fn encode<M>(&mut self, symbol: M::Symbol, model: &M) -> Result<(), MdlError>
    where
        M: EncoderModel<PRECISION, Probability = u32>,
    {
        let (_, probability) = model
            .left_cumulative_and_probability(&symbol)
            .ok_or(MdlError::Uncodable { what: "a symbol of probability zero" })?;
        self.coder
            .encode_symbol(symbol, model)
            .map_err(|_| MdlError::Uncodable { what: "a symbol of probability zero" })?;
        self.bits += PRECISION as f64 - libm::log2(probability.get() as f64);
        Ok(())
    }

    /// Codes `symbol` uniformly out of `size` (1 ≤ size ≤ 2³²; a size of 1 costs nothing).
    pub fn write_uniform(&mut self, symbol: u64, size: u64) -> Result<(), MdlError> {
        let model = Uniform::new(size)?;
        if symbol >= size {
            return Err(MdlError::OutOfRange { what: "a uniform symbol", value: symbol as i128 });
        }
        if size == 1 {
            return Ok(());
        }
        self.encode(symbol, &model)
    }

    /// Codes class `class` with integer frequencies summing to 2¹⁶
    /// ([`quantise`](super::quantise)): log₂(2¹⁶/f) bits. One class costs nothing.
    pub fn write_categorical(&mut self, class: usize, frequencies: &[u32]) -> Result<(), MdlError> {
        let model = CountModel::from_frequencies16(frequencies)?;
        if class >= frequencies.len() {
            return Err(MdlError::OutOfRange { what: "a class index", value: class as i128 });
        }
        self.write_counted(class, &model)
    }

    /// Codes `symbol` under a static model of counts.
    pub fn write_counted(&mut self, symbol: usize, model: &CountModel) -> Result<(), MdlError> {
        if symbol >= model.len() {
            return Err(MdlError::OutOfRange { what: "a counted symbol", value: symbol as i128 });
        }
        if model.len() == 1 {
            return Ok(());
        }
        self.encode(symbol, model)
    }

    /// Codes the low `count ≤ 64` bits of `value` as raw bits, up to 32 at a time as one
    /// uniform symbol; read them back with [`Decoder::read_raw`] (not bit by bit).
    pub fn write_raw(&mut self, value: u64, count: u32) -> Result<(), MdlError> {
        if count > 64 {
            return Err(MdlError::TooManyBits { count });
        }
        if count < 64 && value >> count != 0 {
            return Err(MdlError::ValueTooWide { value, count });
        }
        let mut left = count;
        while left > 0 {
            let take = left.min(PRECISION as u32);
            left -= take;
            let chunk = (value >> left) & ((1u64 << take) - 1);
            self.write_uniform(chunk, 1u64 << take)?;
        }
        Ok(())
    }

    /// Codes a numeric target k = round(y/δ) given μ/δ and a residual code's family and scale s
    /// (σ/δ or b/δ) by [`ResidualModel`]. Returns the bits it took.
    pub fn write_residual(&mut self, k: i64, mu_over_delta: f64, family: Family, scale: f64) -> Result<f64, MdlError> {
        if k.unsigned_abs() as f64 >= MAX_UNITS {
            return Err(MdlError::OutOfRange { what: "a target in units of δ", value: k as i128 });
        }
        let model = ResidualModel::new(family, scale, mu_over_delta)?;
        let before = self.bits;
        match model.choose(k) {
            Path::Window { symbol, low } => {
                self.encode(symbol, &model)?;
                self.write_raw(low, model.bucket_bits)?;
            }
            Path::Escape { offset } => {
                self.encode(model.escape(), &model)?;
                self.write_signed(offset);
            }
        }
        Ok(self.bits - before)
    }

    /// 16 bits that summarise the coder's state, which the decoder's equals after reading the
    /// same symbols: written at the end of a file, they tell a damaged or truncated stream.
    pub fn fingerprint(&self) -> u16 {
        fingerprint(self.coder.state())
    }

    /// Seals the stream and returns its bytes: the coder's 64-bit words, most significant byte
    /// first, then the shortest tail that pins the final state, with trailing zero bytes dropped
    /// ([`Decoder`] reads zeros past the end). The tail is the number in the final interval with
    /// the most trailing zeros, so the bytes exceed [`Encoder::bits`] by at most 8 bits for the
    /// byte boundary and a bit or two for the interval (the tests check it).
    pub fn finish(self) -> Vec<u8> {
        let (mut words, state, situation) = self.coder.into_raw_parts();
        seal(&mut words, state, situation);
        let mut bytes: Vec<u8> = words.iter().flat_map(|w| w.to_be_bytes()).collect();
        while bytes.last() == Some(&0) {
            bytes.pop();
        }
        bytes
    }
}

impl BitSink for Encoder {
    /// One bit at probability ½. (Every bit of a [`BitSink`] code is its own symbol, so that
    /// the [`BitSource`] side, which reads bit by bit, sees the same symbols.)
    fn write_bit(&mut self, bit: bool) {
        // A symbol out of 2 is always codable.
        self.write_uniform(bit as u64, 2).unwrap_or(());
    }
}

/// Writes the final state's tail after the words already emitted (and any words held back by a
/// pending carry): the number x in [lower, lower + range) with the most trailing zeros, as two
/// words, since the decoder's point is the 128 bits from where the state starts.
fn seal(words: &mut Vec<u64>, state: RangeCoderState<u64, u128>, situation: EncoderSituation<u64>) {
    let lower = state.lower();
    let range = state.range().get();
    if range == u128::MAX && lower == 0 && matches!(situation, EncoderSituation::Normal) {
        return; // nothing was coded
    }
    // An interval past 2¹²⁸ (it wraps around, which only happens while a carry is pending):
    // x = 0 with the carry taken into the held-back words. Otherwise x below the interval's end.
    let inverted = matches!(situation, EncoderSituation::Inverted(..));
    let (carry, x) = match lower.checked_add(range) {
        None if inverted && lower.wrapping_add(range) != 0 => (true, 0),
        None => (false, most_trailing_zeros(lower, u128::MAX)),
        Some(end) => (false, most_trailing_zeros(lower, end - 1)),
    };
    if let EncoderSituation::Inverted(count, first) = situation {
        let (head, rest) = if carry { (first.wrapping_add(1), 0) } else { (first, u64::MAX) };
        words.push(head);
        words.extend(std::iter::repeat_n(rest, count.get() - 1));
    }
    words.push((x >> 64) as u64);
    words.push(x as u64);
}

/// A 16-bit hash of a coder state (a multiply-xorshift mix of its four halves).
fn fingerprint(state: RangeCoderState<u64, u128>) -> u16 {
    let (lower, range) = (state.lower(), state.range().get());
    let mut h = (lower as u64)
        ^ ((lower >> 64) as u64).rotate_left(17)
        ^ (range as u64).rotate_left(31)
        ^ ((range >> 64) as u64).rotate_left(47);
    h ^= h >> 29;
    h = h.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    (h >> 48) as u16
}

/// The number in [lo, hi] with the most trailing zero bits.
fn most_trailing_zeros(lo: u128, hi: u128) -> u128 {
    if lo == 0 {
        return 0;
    }
    let differ = (lo - 1) ^ hi;
    let top = 127 - differ.leading_zeros();
    hi & !((1u128 << top) - 1)
}

impl Decoder {
    /// A reader over the bytes [`Encoder::finish`] returned.
    pub fn new(bytes: &[u8]) -> Decoder {
        let words: Vec<u64> = bytes
            .chunks(8)
            .map(|chunk| {
                let mut word = [0u8; 8];
                word[..chunk.len()].copy_from_slice(chunk);
                u64::from_be_bytes(word)
            })
            .collect();
        let payload_bits = bytes.len() as u64 * 8;
        let coder = match Reader::from_compressed(words) {
            Ok(coder) => coder,
            Err(never) => match never {},
        };
        Decoder { coder, bits: 0.0, payload_bits }
    }

    /// [`Encoder::fingerprint`] at the same point of the stream.
    pub fn fingerprint(&self) -> u16 {
        fingerprint(self.coder.state())
    }

    /// Σ −log₂ p over everything decoded so far.
    pub fn bits(&self) -> f64 {
        self.bits
    }

    /// The bits the stream was given.
    pub fn payload_bits(&self) -> u64 {
        self.payload_bits
    }

    /// The stream's bits not yet accounted for by what was decoded (negative once reading has
    /// gone past the end, into the zeros a stream is padded with). A reader about to read w raw
    /// bits that exceed it by much is reading a truncated or damaged stream.
    pub fn room_bits(&self) -> f64 {
        self.payload_bits as f64 - self.bits
    }

    fn decode<S, M>(&mut self, model: &M) -> Result<S, MdlError>
    where
        S: Copy,
        M: DecoderModel<PRECISION, Probability = u32, Symbol = S> + EncoderModel<PRECISION>,
    {
        let position = self.bits as u64;
        let symbol = self
            .coder
            .decode_symbol(model)
            .map_err(|_| MdlError::InvalidCode { position, what: "not a valid range-coded stream" })?;
        let (_, probability) = model
            .left_cumulative_and_probability(symbol)
            .ok_or(MdlError::InvalidCode { position, what: "a symbol of probability zero" })?;
        self.bits += PRECISION as f64 - libm::log2(probability.get() as f64);
        Ok(symbol)
    }

    /// Reads a symbol written by [`Encoder::write_uniform`].
    pub fn read_uniform(&mut self, size: u64) -> Result<u64, MdlError> {
        let model = Uniform::new(size)?;
        if size == 1 {
            return Ok(0);
        }
        self.decode(&model)
    }

    /// Reads a class written by [`Encoder::write_categorical`].
    pub fn read_categorical(&mut self, frequencies: &[u32]) -> Result<usize, MdlError> {
        let model = CountModel::from_frequencies16(frequencies)?;
        self.read_counted(&model)
    }

    /// Reads a symbol written by [`Encoder::write_counted`].
    pub fn read_counted(&mut self, model: &CountModel) -> Result<usize, MdlError> {
        if model.len() == 1 {
            return Ok(0);
        }
        self.decode(model)
    }

    /// Reads `count ≤ 64` raw bits written by [`Encoder::write_raw`].
    pub fn read_raw(&mut self, count: u32) -> Result<u64, MdlError> {
        if count > 64 {
            return Err(MdlError::TooManyBits { count });
        }
        let mut value = 0u64;
        let mut left = count;
        while left > 0 {
            let take = left.min(PRECISION as u32);
            left -= take;
            value = (value << take) | self.read_uniform(1u64 << take)?;
        }
        Ok(value)
    }

    /// Reads a target written by [`Encoder::write_residual`] with the same μ/δ, family and
    /// scale.
    pub fn read_residual(&mut self, mu_over_delta: f64, family: Family, scale: f64) -> Result<i64, MdlError> {
        let model = ResidualModel::new(family, scale, mu_over_delta)?;
        let position = self.bits as u64;
        let symbol = self.decode(&model)?;
        if model.inconsistent.get() {
            return Err(MdlError::InvalidCode { position, what: "a residual model out of order" });
        }
        let invalid = MdlError::InvalidCode { position, what: "a target beyond 2⁶² δ" };
        let k = if symbol == model.escape() {
            let offset = self.read_signed()?;
            model.centre.checked_add(offset).ok_or(invalid.clone())?
        } else {
            let low = self.read_raw(model.bucket_bits)? as i64;
            let bucket = model.first_bucket + symbol as i64;
            bucket.checked_mul(model.bucket_width()).and_then(|b| b.checked_add(low)).ok_or(invalid.clone())?
        };
        if (k.unsigned_abs() as f64) < MAX_UNITS {
            Ok(k)
        } else {
            Err(invalid)
        }
    }
}

impl BitSource for Decoder {
    fn read_bit(&mut self) -> Result<bool, MdlError> {
        Ok(self.read_uniform(2)? == 1)
    }

    /// The information read so far, in whole bits.
    fn position(&self) -> u64 {
        self.bits as u64
    }
}

/// A uniform distribution over `size` symbols at the coder's precision: symbol i gets
/// ⌊2³²/size⌋ units, one more for the first 2³² mod size symbols.
#[derive(Debug, Clone, Copy)]
struct Uniform {
    base: u64,
    extra: u64,
}

impl Uniform {
    fn new(size: u64) -> Result<Uniform, MdlError> {
        if !(1..=TOTAL).contains(&size) {
            return Err(MdlError::OutOfRange { what: "a uniform alphabet's size", value: size as i128 });
        }
        Ok(Uniform { base: TOTAL / size, extra: TOTAL % size })
    }
}

impl EntropyModel<PRECISION> for Uniform {
    type Symbol = u64;
    type Probability = u32;
}

impl EncoderModel<PRECISION> for Uniform {
    fn left_cumulative_and_probability(
        &self,
        symbol: impl std::borrow::Borrow<u64>,
    ) -> Option<(u32, std::num::NonZeroU32)> {
        let i = *symbol.borrow();
        let left = i.checked_mul(self.base)?.checked_add(i.min(self.extra))?;
        let probability = self.base + (i < self.extra) as u64;
        if left + probability > TOTAL {
            return None;
        }
        Some((u32::try_from(left).ok()?, std::num::NonZeroU32::new(u32::try_from(probability).ok()?)?))
    }
}

impl DecoderModel<PRECISION> for Uniform {
    fn quantile_function(&self, quantile: u32) -> (u64, u32, std::num::NonZeroU32) {
        let q = quantile as u64;
        let boundary = self.extra * (self.base + 1);
        let i = if q < boundary { q / (self.base + 1) } else { self.extra + (q - boundary) / self.base };
        let (left, probability) = self.left_cumulative_and_probability(i).unwrap_or((0, std::num::NonZeroU32::MIN));
        (i, left, probability)
    }
}

/// A static model over symbols 0..m: integer frequencies out of 2³², each at least 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountModel {
    /// m + 1 cumulative frequencies from 0 to 2³².
    cumulative: Vec<u64>,
}

impl CountModel {
    /// Frequencies from counts, the way [`quantise`](super::quantise) does it at 2³²:
    /// fᵢ = 1 + ⌊cᵢ·(2³² − m)/n⌋, with the few units left over added to the largest count (the
    /// first of equals). Counts may be zero (the symbol keeps frequency 1); at least one symbol
    /// and at most 2²⁴ are allowed.
    pub fn from_counts(counts: &[u64]) -> Result<CountModel, MdlError> {
        let m = counts.len() as u64;
        if !(1..=1 << 24).contains(&m) {
            return Err(MdlError::OutOfRange { what: "a count model's size", value: m as i128 });
        }
        let n: u128 = counts.iter().map(|&c| c as u128).sum();
        let spread = (TOTAL - m) as u128;
        let mut frequencies: Vec<u64> =
            counts.iter().map(|&c| 1 + (c as u128 * spread).checked_div(n).unwrap_or(0) as u64).collect();
        let assigned: u64 = frequencies.iter().sum();
        let mut top = 0;
        for (i, &c) in counts.iter().enumerate() {
            if c > counts[top] {
                top = i;
            }
        }
        frequencies[top] += TOTAL - assigned;
        Ok(CountModel::from_frequencies(&frequencies))
    }

    /// The model of [`quantise`](super::quantise)'s 2¹⁶ frequencies, scaled to 2³².
    fn from_frequencies16(frequencies: &[u32]) -> Result<CountModel, MdlError> {
        let sum: u64 = frequencies.iter().map(|&f| f as u64).sum();
        if frequencies.is_empty() || sum != 1 << 16 || frequencies.contains(&0) {
            return Err(MdlError::OutOfRange { what: "categorical frequencies' sum", value: sum as i128 });
        }
        let scaled: Vec<u64> = frequencies.iter().map(|&f| (f as u64) << 16).collect();
        Ok(CountModel::from_frequencies(&scaled))
    }

    fn from_frequencies(frequencies: &[u64]) -> CountModel {
        let mut cumulative = Vec::with_capacity(frequencies.len() + 1);
        let mut sum = 0;
        cumulative.push(0);
        for &f in frequencies {
            sum += f;
            cumulative.push(sum);
        }
        CountModel { cumulative }
    }

    /// Number of symbols.
    pub fn len(&self) -> usize {
        self.cumulative.len() - 1
    }

    /// True for a model of no symbols (never built).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Symbol i's frequency out of 2³².
    pub fn frequency(&self, i: usize) -> u64 {
        self.cumulative[i + 1] - self.cumulative[i]
    }

    /// −log₂(fᵢ/2³²): what coding symbol i costs (0 for a model of one symbol).
    pub fn bits(&self, i: usize) -> f64 {
        if self.len() == 1 {
            0.0
        } else {
            PRECISION as f64 - libm::log2(self.frequency(i) as f64)
        }
    }
}

impl EntropyModel<PRECISION> for CountModel {
    type Symbol = usize;
    type Probability = u32;
}

impl EncoderModel<PRECISION> for CountModel {
    fn left_cumulative_and_probability(
        &self,
        symbol: impl std::borrow::Borrow<usize>,
    ) -> Option<(u32, std::num::NonZeroU32)> {
        let i = *symbol.borrow();
        let left = *self.cumulative.get(i)?;
        let right = *self.cumulative.get(i + 1)?;
        Some((u32::try_from(left).ok()?, std::num::NonZeroU32::new(u32::try_from(right - left).ok()?)?))
    }
}

impl DecoderModel<PRECISION> for CountModel {
    fn quantile_function(&self, quantile: u32) -> (usize, u32, std::num::NonZeroU32) {
        let q = quantile as u64;
        let i = self.cumulative.partition_point(|&c| c <= q).saturating_sub(1).min(self.len() - 1);
        let (left, probability) = self.left_cumulative_and_probability(i).unwrap_or((0, std::num::NonZeroU32::MIN));
        (i, left, probability)
    }
}

/// How a residual row is coded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Path {
    /// Bucket `symbol` of the window, then the `low` bits within the bucket.
    Window { symbol: u64, low: u64 },
    /// The escape symbol, then the signed universal code of k − round(μ/δ).
    Escape { offset: i64 },
}

/// The residual code of [`residuals`](super::residuals) as a model a range coder can use.
///
/// One row's k is coded in one of two ways, whichever is shorter (the decoder reads which):
///
/// - **The family.** The integers near μ/δ are cut into buckets of 2^b (b = 0 while the scale s
///   is below 32; then b = ⌊log₂ s⌋ − 4, so the scale spans 16 to 32 buckets), a window of
///   buckets reaching 8.5 s (Gaussian) or 38 s (Laplace) past μ/δ is given the family's
///   probabilities, exact erfc or exp differences of its distribution function, normalised to
///   2³² − 2¹² units with every bucket at least one unit; then the position inside the bucket in
///   b raw bits. With b = 0 this is the discretised family itself at (1 − ε), to within the
///   quantisation (about window/2³² of a bit a row). With b > 0 a row costs the bucket's
///   probability spread evenly over its 2^b integers: the same on average, within
///   (2^b/s)²/(24 ln 2) ≤ 2.4·10⁻⁴ bits a row (the density's curvature over a bucket).
/// - **The escape.** Symbol "escape" at exactly ε = 2⁻²⁰, then the signed universal code of
///   j = k − round(μ/δ): 20 + signed_bits(j) bits, the floor's length.
///
/// The analytic code mixes the two, P′ = (1 − ε)P + ε·2^−signed_bits(j); the coder takes the
/// shorter, which costs at most 1 bit more on a row where the two are equal and matches to
/// within 10⁻⁵ bits a row elsewhere. Above a scale of 4 the analytic code uses the midpoint rule
/// ([`CONTINUOUS_ABOVE`](super::residuals::CONTINUOUS_ABOVE)), within about 10⁻⁵ bits a row of
/// the exact differences coded here. The tests measure the gap over whole columns.
///
/// The distribution function is evaluated from the nearer tail (the lower half from below, the
/// upper half from above), so far tails keep their precision and the cumulative units are
/// non-decreasing as long as libm's erfc and exp are monotone (faithfully rounded functions at
/// arguments at least 1/32 apart). Should they not be, the decoder reports an inconsistent
/// model rather than returning a wrong value.
#[derive(Debug, Clone)]
pub struct ResidualModel {
    family: Family,
    scale: f64,
    /// round(μ/δ), and μ/δ − round(μ/δ) (exact).
    centre: i64,
    offset: f64,
    bucket_bits: u32,
    first_bucket: i64,
    /// Buckets in the window; symbol `buckets` is the escape.
    buckets: u64,
    /// The bucket boundary below which the lower tail is used.
    split: u64,
    lower_first: f64,
    upper_last: f64,
    /// (2³² − 2¹² − buckets) / (window's mass).
    units_per_mass: f64,
    inconsistent: Cell<bool>,
}

impl ResidualModel {
    /// The model for one row: prediction μ/δ, family and scale s in units of δ.
    pub fn new(family: Family, scale: f64, mu_over_delta: f64) -> Result<ResidualModel, MdlError> {
        if !(scale.is_finite() && scale > 0.0) {
            return Err(MdlError::NotFinite { what: "a residual scale", value: scale });
        }
        if !(mu_over_delta.is_finite() && mu_over_delta.abs() < MAX_UNITS) {
            return Err(MdlError::NotFinite { what: "a prediction in units of δ", value: mu_over_delta });
        }
        let centre_f = round_half_away(mu_over_delta);
        let centre = centre_f as i64;
        let offset = mu_over_delta - centre_f;
        let bucket_bits = (libm::ilogb(scale) - BUCKET_SHIFT).clamp(0, 62) as u32;
        let width = 1i64 << bucket_bits;
        let reach = match family {
            Family::Gaussian => GAUSSIAN_REACH,
            Family::Laplace => LAPLACE_REACH,
        } * scale;
        let reach = (libm::ceil(reach) + 1.0).min(MAX_UNITS) as i64;
        let home = centre.div_euclid(width);
        let first = (centre.saturating_sub(reach)).div_euclid(width).max(home - MAX_WINDOW / 2);
        let last = (centre.saturating_add(reach)).div_euclid(width).min(home + MAX_WINDOW / 2);
        let buckets = (last - first + 1) as u64;
        let split = (home - first) as u64;
        let mut model = ResidualModel {
            family,
            scale,
            centre,
            offset,
            bucket_bits,
            first_bucket: first,
            buckets,
            split,
            lower_first: 0.0,
            upper_last: 0.0,
            units_per_mass: 0.0,
            inconsistent: Cell::new(false),
        };
        model.lower_first = model.lower(model.boundary(0));
        model.upper_last = model.upper(model.boundary(buckets));
        let at_split = model.boundary(split);
        let mass = (model.lower(at_split) - model.lower_first) + (model.upper(at_split) - model.upper_last);
        let spread = (FAMILY_UNITS - buckets) as f64;
        model.units_per_mass = if mass > 0.0 && mass.is_finite() { spread / mass } else { 0.0 };
        Ok(model)
    }

    fn bucket_width(&self) -> i64 {
        1i64 << self.bucket_bits
    }

    /// The escape symbol.
    fn escape(&self) -> u64 {
        self.buckets
    }

    /// Boundary i of the window (the lower edge of bucket i), standardised: (edge − μ/δ)/s with
    /// edge = (first + i)·2^b − ½, computed relative to round(μ/δ) so that it stays exact.
    fn boundary(&self, i: u64) -> f64 {
        let edge = (self.first_bucket as i128 + i as i128) * self.bucket_width() as i128 - self.centre as i128;
        (edge as f64 - 0.5 - self.offset) / self.scale
    }

    /// P(X ≤ x) for the standardised family.
    fn lower(&self, x: f64) -> f64 {
        match self.family {
            Family::Gaussian => 0.5 * libm::erfc(-x * std::f64::consts::FRAC_1_SQRT_2),
            Family::Laplace if x <= 0.0 => 0.5 * libm::exp(x),
            Family::Laplace => 1.0 - 0.5 * libm::exp(-x),
        }
    }

    /// P(X > x) for the standardised family.
    fn upper(&self, x: f64) -> f64 {
        match self.family {
            Family::Gaussian => 0.5 * libm::erfc(x * std::f64::consts::FRAC_1_SQRT_2),
            Family::Laplace if x >= 0.0 => 0.5 * libm::exp(-x),
            Family::Laplace => 1.0 - 0.5 * libm::exp(x),
        }
    }

    /// Cumulative units below symbol i (0 ≤ i ≤ buckets + 1): non-decreasing, each bucket at
    /// least one unit apart when the distribution function is monotone (see the type's docs).
    fn cumulative(&self, i: u64) -> u64 {
        let spread = FAMILY_UNITS - self.buckets;
        let units = |mass: f64| (libm::floor(mass * self.units_per_mass) as u64).min(spread);
        if i == 0 {
            0
        } else if i > self.buckets {
            TOTAL
        } else if i == self.buckets {
            FAMILY_UNITS
        } else if i <= self.split {
            i + units(self.lower(self.boundary(i)) - self.lower_first)
        } else {
            FAMILY_UNITS - (self.buckets - i) - units(self.upper(self.boundary(i)) - self.upper_last)
        }
    }

    /// The shorter path for k: the window (when k falls in it with a non-zero frequency) or the
    /// escape.
    fn choose(&self, k: i64) -> Path {
        let offset = k - self.centre;
        let escape_bits = -ESCAPE_LOG2 + super::integers::signed_bits(offset) as f64;
        let bucket = k.div_euclid(self.bucket_width());
        let symbol = bucket - self.first_bucket;
        if (0..self.buckets as i64).contains(&symbol) {
            let symbol = symbol as u64;
            let units = self.cumulative(symbol + 1).saturating_sub(self.cumulative(symbol));
            if units > 0 {
                let window_bits = PRECISION as f64 - libm::log2(units as f64) + self.bucket_bits as f64;
                if window_bits <= escape_bits {
                    return Path::Window { symbol, low: k.rem_euclid(self.bucket_width()) as u64 };
                }
            }
        }
        Path::Escape { offset }
    }
}

impl EntropyModel<PRECISION> for ResidualModel {
    type Symbol = u64;
    type Probability = u32;
}

impl EncoderModel<PRECISION> for ResidualModel {
    fn left_cumulative_and_probability(
        &self,
        symbol: impl std::borrow::Borrow<u64>,
    ) -> Option<(u32, std::num::NonZeroU32)> {
        let i = *symbol.borrow();
        if i > self.buckets {
            return None;
        }
        let left = self.cumulative(i);
        let right = self.cumulative(i + 1);
        let probability = std::num::NonZeroU32::new(u32::try_from(right.checked_sub(left)?).ok()?)?;
        Some((u32::try_from(left).ok()?, probability))
    }
}

impl DecoderModel<PRECISION> for ResidualModel {
    fn quantile_function(&self, quantile: u32) -> (u64, u32, std::num::NonZeroU32) {
        let q = quantile as u64;
        // The largest i with cumulative(i) ≤ q, by bisection over 0..=buckets.
        let (mut lo, mut hi) = (0u64, self.buckets + 1);
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if self.cumulative(mid) <= q {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        match self.left_cumulative_and_probability(lo) {
            Some((left, probability)) if (left as u64) <= q && q < left as u64 + probability.get() as u64 => {
                (lo, left, probability)
            }
            _ => {
                // Only if the distribution function is not monotone: flag it, and return the
                // escape's true interval (the stream is abandoned).
                self.inconsistent.set(true);
                let escape = ESCAPE_UNITS as u32;
                (
                    self.buckets,
                    FAMILY_UNITS as u32,
                    std::num::NonZeroU32::new(escape).unwrap_or(std::num::NonZeroU32::MIN),
                )
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::disallowed_methods)] // tests compare against std's functions
mod tests {
    use super::*;
    use crate::mdl::categorical::{categorical_bits, quantise};
    use crate::mdl::constants::{Constant, Real};
    use crate::mdl::integers::{natural_bits, signed_bits};
    use crate::mdl::residuals::tests::normal_draws;
    use crate::mdl::residuals::ResidualCode;

    /// Encodes with `write`, checks the length against `expected` bits and the bytes against
    /// the count, and returns a decoder over the bytes.
    fn round(write: impl FnOnce(&mut Encoder), expected: f64, tolerance: f64) -> Decoder {
        let mut e = Encoder::new();
        write(&mut e);
        let bits = e.bits();
        assert!((bits - expected).abs() <= tolerance, "coded {bits}, expected {expected}");
        let bytes = e.finish();
        let size = bytes.len() as f64 * 8.0;
        assert!(size <= bits + 10.0 && size >= bits - 8.0, "{size} bits of bytes for {bits} coded");
        Decoder::new(&bytes)
    }

    #[test]
    fn universal_codes_and_constants_cost_their_stated_lengths() {
        let naturals = [0u64, 1, 2, 7, 1000, 1 << 40, u64::MAX];
        let signed = [0i64, -1, 1, -1000, i64::MIN, i64::MAX];
        let constants = [
            Constant::Integer(-7),
            Constant::ratio(-355, 113).unwrap(),
            Constant::Pi,
            Constant::E,
            Constant::Real(Real::new(0.1, 17).unwrap()),
            Constant::Real(Real::new(-6.02e23, 52).unwrap()),
        ];
        let expected: f64 = naturals.iter().map(|&n| natural_bits(n) as f64).sum::<f64>()
            + signed.iter().map(|&i| signed_bits(i) as f64).sum::<f64>()
            + constants.iter().map(|c| c.bits() as f64).sum::<f64>()
            + 64.0
            + 5.0;
        let mut d = round(
            |e| {
                for &n in &naturals {
                    e.write_natural(n);
                }
                for &i in &signed {
                    e.write_signed(i);
                }
                for c in &constants {
                    c.write(e);
                }
                e.write_raw(0xdead_beef_0123_4567, 64).unwrap();
                e.write_bits(0b10110, 5).unwrap();
            },
            expected,
            1e-6,
        );
        for &n in &naturals {
            assert_eq!(d.read_natural().unwrap(), n);
        }
        for &i in &signed {
            assert_eq!(d.read_signed().unwrap(), i);
        }
        for c in &constants {
            assert_eq!(&Constant::read(&mut d).unwrap(), c);
        }
        assert_eq!(d.read_raw(64).unwrap(), 0xdead_beef_0123_4567);
        assert_eq!(d.read_bits(5).unwrap(), 0b10110);
        assert!((d.bits() - expected).abs() < 1e-6);
    }

    #[test]
    fn uniform_symbols_cost_log2_of_the_alphabet() {
        let sizes = [2u64, 3, 17, 1000, 65_537, 1 << 32];
        let symbols: Vec<(u64, u64)> = sizes.iter().flat_map(|&a| [(0, a), (a / 2, a), (a - 1, a)]).collect();
        let expected: f64 = symbols.iter().map(|&(_, a)| (a as f64).log2()).sum();
        let mut d = round(
            |e| {
                for &(s, a) in &symbols {
                    e.write_uniform(s, a).unwrap();
                }
                e.write_uniform(0, 1).unwrap();
            },
            expected,
            1e-4,
        );
        for &(s, a) in &symbols {
            assert_eq!(d.read_uniform(a).unwrap(), s);
        }
        assert_eq!(d.read_uniform(1).unwrap(), 0);
        let mut e = Encoder::new();
        assert!(e.write_uniform(3, 3).is_err());
        assert!(e.write_uniform(0, 0).is_err());
        assert!(e.write_uniform(0, (1 << 32) + 1).is_err());
    }

    #[test]
    fn classes_cost_exactly_what_categorical_bits_counts() {
        // Rows of three-class probabilities and their true classes (not the most probable one,
        // where categorical_bits is an upper bound).
        let rows: Vec<([f64; 3], usize)> = (0..500)
            .map(|i| {
                let a = (i % 7) as f64 / 10.0;
                let p = [a, 0.9 - a, 0.1];
                let truth = if a < 0.45 { 0 } else { 1 };
                (p, if i % 11 == 0 { 2 } else { truth })
            })
            .collect();
        let p_true: Vec<f64> = rows.iter().map(|(p, c)| p[*c]).collect();
        let analytic = categorical_bits(&p_true, 3).unwrap();
        let mut d = round(
            |e| {
                for (p, c) in &rows {
                    e.write_categorical(*c, &quantise(p).unwrap()).unwrap();
                }
            },
            analytic,
            // The most probable class may get the left-over units (categorical_bits' bound).
            rows.len() as f64 * (1.0 + 3.0 / 65536.0f64).log2(),
        );
        for (p, c) in &rows {
            assert_eq!(d.read_categorical(&quantise(p).unwrap()).unwrap(), *c);
        }
    }

    #[test]
    fn count_models_cost_the_empirical_entropy() {
        let counts = [900u64, 60, 30, 9, 1, 0];
        let model = CountModel::from_counts(&counts).unwrap();
        assert_eq!((0..6).map(|i| model.frequency(i)).sum::<u64>(), TOTAL);
        assert!((0..6).all(|i| model.frequency(i) >= 1));
        let symbols: Vec<usize> =
            counts.iter().enumerate().flat_map(|(s, &c)| std::iter::repeat_n(s, c as usize)).collect();
        let n = symbols.len() as f64;
        let entropy: f64 = counts.iter().filter(|&&c| c > 0).map(|&c| c as f64 * (n / c as f64).log2()).sum();
        let mut d = round(
            |e| {
                for &s in &symbols {
                    e.write_counted(s, &model).unwrap();
                }
            },
            entropy,
            0.01,
        );
        for &s in &symbols {
            assert_eq!(d.read_counted(&model).unwrap(), s);
        }
        // One symbol: certain, free.
        let one = CountModel::from_counts(&[5]).unwrap();
        assert_eq!(one.bits(0), 0.0);
        assert!(CountModel::from_counts(&[]).is_err());
    }

    /// Targets k around predictions with the given residual scale (units of δ), the analytic
    /// code's data bits at `scale`, and the coded bits.
    fn residual_case(family: Family, sigma: f64, scale: Real, wild: bool) -> (f64, f64) {
        let draws = normal_draws(3000, 17);
        let mu: Vec<f64> = (0..draws.len()).map(|i| (i as f64 * 0.37).sin() * 50.0 * sigma.max(1.0) + 0.3).collect();
        let mut k: Vec<i64> = draws.iter().zip(&mu).map(|(z, m)| (m + z * sigma).round() as i64).collect();
        if wild {
            k[10] += 1_000_000;
            k[20] -= 77;
        }
        let y: Vec<f64> = k.iter().map(|&v| v as f64).collect();
        let analytic = ResidualCode::at(family, scale, &y, &mu, 1.0).unwrap().data_bits;
        let s = scale.value();
        let mut e = Encoder::new();
        for (&kk, &m) in k.iter().zip(&mu) {
            e.write_residual(kk, m, family, s).unwrap();
        }
        let coded = e.bits();
        let bytes = e.finish();
        assert!((bytes.len() as f64 * 8.0 - coded).abs() <= 10.0);
        let mut d = Decoder::new(&bytes);
        for (&kk, &m) in k.iter().zip(&mu) {
            assert_eq!(d.read_residual(m, family, s).unwrap(), kk, "σ = {sigma}");
        }
        (analytic, coded)
    }

    #[test]
    fn residuals_cost_the_analytic_code_within_a_fraction_of_a_percent() {
        // (family, σ/δ of the draws, scale sent, wild rows): near-exact laws, the exact and the
        // midpoint regimes, buckets (s ≥ 32), and escapes.
        let cases: &[(Family, f64, f64, bool)] = &[
            (Family::Gaussian, 0.0, 0.125, false),
            (Family::Gaussian, 0.2, 0.25, false),
            (Family::Gaussian, 1.0, 1.0, true),
            (Family::Gaussian, 3.0, 3.0, false),
            (Family::Gaussian, 20.0, 20.0, true),
            (Family::Gaussian, 300.0, 300.0, false),
            (Family::Gaussian, 1e6, 1e6, true),
            (Family::Laplace, 0.0, 0.0625, false),
            (Family::Laplace, 1.0, 0.8, true),
            (Family::Laplace, 50.0, 40.0, false),
            (Family::Laplace, 1e5, 8e4, true),
        ];
        for &(family, sigma, scale, wild) in cases {
            let scale = Real::new(scale, 20).unwrap();
            let (analytic, coded) = residual_case(family, sigma, scale, wild);
            let gap = coded - analytic;
            // Never shorter than the analytic code by more than rounding; at most 0.2 % + 2 bits
            // longer (two wild rows may each cost up to a bit over the mixture).
            assert!(gap > -1e-3 * analytic.max(1.0), "{family:?} σ = {sigma}: coded {coded} < analytic {analytic}");
            assert!(gap < 0.002 * analytic + 2.0, "{family:?} σ = {sigma}: coded {coded}, analytic {analytic}");
        }
    }

    #[test]
    fn an_exact_law_costs_microbits_a_row() {
        let mut e = Encoder::new();
        for i in 0..10_000 {
            e.write_residual(i * 3 - 5000, (i * 3 - 5000) as f64 + 1e-9, Family::Gaussian, 0.125).unwrap();
        }
        // The analytic code says 9.2·10⁻⁵ bits a row at s = 1/8 (erf(4/√2) short of 1); the
        // quantised window adds about (2¹² + 3)/2³²/ln 2 = 1.4·10⁻⁶.
        assert!(e.bits() < 10_000.0 * 1e-4, "{}", e.bits());
        let bytes = e.finish();
        assert!(bytes.len() <= 2, "{} bytes", bytes.len());
    }

    #[test]
    fn streams_of_every_length_seal_and_round_trip_even_with_a_pending_carry() {
        let mut next = crate::testing::xorshift(0x1234_5678_9abc_def1);
        let mut inverted = 0;
        for _ in 0..3000 {
            let count = (next() % 12) as usize;
            let symbols: Vec<(u64, u64)> = (0..count)
                .map(|_| {
                    let size = 2 + next() % (1 << (1 + next() % 31));
                    (next() % size, size)
                })
                .collect();
            let mut e = Encoder::new();
            for &(s, a) in &symbols {
                e.write_uniform(s, a).unwrap();
            }
            let (_, _, situation) = e.coder.clone().into_raw_parts();
            inverted += matches!(situation, EncoderSituation::Inverted(..)) as u32;
            let bits = e.bits();
            let bytes = e.finish();
            assert!(bytes.len() as f64 * 8.0 <= bits + 10.0, "{} bytes for {bits} bits", bytes.len());
            let mut d = Decoder::new(&bytes);
            for &(s, a) in &symbols {
                assert_eq!(d.read_uniform(a).unwrap(), s);
            }
        }
        assert!(inverted > 0, "no stream ended with a pending carry: the test misses that path");
    }

    #[test]
    fn garbage_decodes_to_values_or_errors_never_a_panic() {
        let mut next = crate::testing::xorshift(0x2545_f491_4f6c_dd1d);
        for round in 0..200 {
            let bytes: Vec<u8> = (0..(round % 40)).map(|_| next() as u8).collect();
            let mut d = Decoder::new(&bytes);
            for row in 0..50 {
                let m = row as f64 * 1.5;
                let _ = d.read_residual(m, Family::Laplace, 3.0);
                let _ = d.read_natural();
                let _ = d.read_categorical(&quantise(&[0.2, 0.8]).unwrap());
                let _ = Constant::read(&mut d);
            }
        }
    }

    #[test]
    fn residual_windows_are_monotone_with_every_bucket_reachable() {
        for (family, scale, mu) in [
            (Family::Gaussian, 0.01, 3.49),
            (Family::Gaussian, 5.0, -1e12 + 0.5),
            (Family::Gaussian, 4000.0, 123.4),
            (Family::Laplace, 0.3, 0.0),
            (Family::Laplace, 1e9, 7.7),
        ] {
            let model = ResidualModel::new(family, scale, mu).unwrap();
            let mut previous = 0;
            for i in 1..=model.buckets + 1 {
                let c = model.cumulative(i);
                assert!(c > previous || i == model.buckets + 1 && c == TOTAL, "{family:?} s = {scale}: bucket {i}");
                previous = c;
            }
            assert_eq!(model.cumulative(model.buckets), FAMILY_UNITS);
        }
    }
}
