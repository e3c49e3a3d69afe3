//! The arithmetic of dense layers on row-major f32 slices, shared by prediction and training.
//!
//! Every output is summed in one fixed order whatever the tiling: starting from 0.0, adding the
//! products in ascending index, then the bias. Multiplications and additions stay separate (Rust
//! never contracts them into fused multiply-adds), so LLVM may vectorise across independent
//! outputs and rows but the bits of each output are the same natively, in wasm, and for any
//! tiling or thread count.

/// Rows (of x) or outputs (of a weight gradient) handled together by a tile.
const TILE_ROWS: usize = 4;

/// out = x · wt + bias for x (rows × inputs) and wt (inputs × outputs, the weights transposed),
/// all row-major: out[r][o] = (Σᵢ x[r][i]·wt[i][o] in ascending i, from 0.0) + bias[o].
pub fn affine(x: &[f32], wt: &[f32], bias: &[f32], out: &mut [f32]) {
    #[cfg(target_arch = "x86_64")]
    if is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has AVX2.
        return unsafe { affine_avx2(x, wt, bias, out) };
    }
    affine_tiled::<8>(x, wt, bias, out)
}

/// [`affine`] in 256-bit vectors: the same operations in the same order, so the same bits.
///
/// # Safety
/// The CPU must support AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn affine_avx2(x: &[f32], wt: &[f32], bias: &[f32], out: &mut [f32]) {
    affine_tiled::<16>(x, wt, bias, out)
}

/// [`affine`] in tiles of [`TILE_ROWS`] rows × C outputs whose sums stay in registers.
#[inline(always)]
fn affine_tiled<const C: usize>(x: &[f32], wt: &[f32], bias: &[f32], out: &mut [f32]) {
    let outputs = bias.len();
    if outputs == 0 {
        return;
    }
    let inputs = wt.len() / outputs;
    debug_assert_eq!(wt.len(), inputs * outputs);
    if inputs == 0 {
        for row in out.chunks_exact_mut(outputs) {
            for (z, &b) in row.iter_mut().zip(bias) {
                *z = 0.0 + b;
            }
        }
        return;
    }
    debug_assert_eq!(x.len() / inputs * outputs, out.len());
    let mut xs = x.chunks_exact(inputs * TILE_ROWS);
    let mut zs = out.chunks_exact_mut(outputs * TILE_ROWS);
    for (xb, zb) in (&mut xs).zip(&mut zs) {
        let (x01, x23) = xb.split_at(2 * inputs);
        let rows = [&x01[..inputs], &x01[inputs..], &x23[..inputs], &x23[inputs..]];
        in_widths::<C>(outputs, |o, c| match c {
            16 => affine_tile4::<16>(rows, wt, bias, zb, o),
            8 => affine_tile4::<8>(rows, wt, bias, zb, o),
            4 => affine_tile4::<4>(rows, wt, bias, zb, o),
            _ => affine_tile4::<1>(rows, wt, bias, zb, o),
        });
    }
    for (xr, zr) in xs.remainder().chunks_exact(inputs).zip(zs.into_remainder().chunks_exact_mut(outputs)) {
        in_widths::<C>(outputs, |o, c| match c {
            16 => affine_tile1::<16>(xr, wt, bias, zr, o),
            8 => affine_tile1::<8>(xr, wt, bias, zr, o),
            4 => affine_tile1::<4>(xr, wt, bias, zr, o),
            _ => affine_tile1::<1>(xr, wt, bias, zr, o),
        });
    }
}

/// Covers 0..n with tiles of width C (16 or 8), then 8, 4 and 1 for the rest: f(start, width).
#[inline(always)]
fn in_widths<const C: usize>(n: usize, mut f: impl FnMut(usize, usize)) {
    let mut at = 0;
    for width in [C, 8, 4, 1] {
        if width > C {
            continue;
        }
        while at + width <= n {
            f(at, width);
            at += width;
        }
    }
}

/// Four rows × C outputs starting at output `o`, the sums in registers.
#[inline(always)]
fn affine_tile4<const C: usize>(rows: [&[f32]; 4], wt: &[f32], bias: &[f32], out: &mut [f32], o: usize) {
    let outputs = bias.len();
    let (mut s0, mut s1, mut s2, mut s3) = ([0.0f32; C], [0.0f32; C], [0.0f32; C], [0.0f32; C]);
    let [x0, x1, x2, x3] = rows;
    for ((((w, &a0), &a1), &a2), &a3) in wt.chunks_exact(outputs).zip(x0).zip(x1).zip(x2).zip(x3) {
        let w: &[f32; C] = w[o..o + C].try_into().expect("C outputs");
        for j in 0..C {
            s0[j] += a0 * w[j];
            s1[j] += a1 * w[j];
            s2[j] += a2 * w[j];
            s3[j] += a3 * w[j];
        }
    }
    let b: &[f32; C] = bias[o..o + C].try_into().expect("C outputs");
    for (k, s) in [s0, s1, s2, s3].iter().enumerate() {
        let z: &mut [f32; C] = (&mut out[k * outputs + o..k * outputs + o + C]).try_into().expect("C outputs");
        for j in 0..C {
            z[j] = s[j] + b[j];
        }
    }
}

/// One row × C outputs starting at output `o`.
#[inline(always)]
fn affine_tile1<const C: usize>(x: &[f32], wt: &[f32], bias: &[f32], out: &mut [f32], o: usize) {
    let outputs = bias.len();
    let mut s = [0.0f32; C];
    for (w, &a) in wt.chunks_exact(outputs).zip(x) {
        let w: &[f32; C] = w[o..o + C].try_into().expect("C outputs");
        for j in 0..C {
            s[j] += a * w[j];
        }
    }
    for j in 0..C {
        out[o + j] = s[j] + bias[o + j];
    }
}

/// The weight and bias gradients of a dense layer, added to `gw` (outputs × inputs) and `gb`:
/// gw[o][i] += Σᵣ delta[r][o]·h[r][i] and gb[o] += Σᵣ delta[r][o], each in ascending r, for
/// delta (rows × outputs) and the layer's inputs h (rows × inputs).
pub fn weight_gradient(delta: &[f32], h: &[f32], gw: &mut [f32], gb: &mut [f32]) {
    #[cfg(target_arch = "x86_64")]
    if is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has AVX2.
        return unsafe { weight_gradient_avx2(delta, h, gw, gb) };
    }
    weight_gradient_tiled::<8>(delta, h, gw, gb)
}

/// [`weight_gradient`] in 256-bit vectors, the same bits.
///
/// # Safety
/// The CPU must support AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn weight_gradient_avx2(delta: &[f32], h: &[f32], gw: &mut [f32], gb: &mut [f32]) {
    weight_gradient_tiled::<16>(delta, h, gw, gb)
}

/// [`weight_gradient`] in tiles of [`TILE_ROWS`] outputs × C inputs held in registers while
/// the rows go by.
#[inline(always)]
fn weight_gradient_tiled<const C: usize>(delta: &[f32], h: &[f32], gw: &mut [f32], gb: &mut [f32]) {
    let outputs = gb.len();
    if outputs == 0 {
        return;
    }
    let inputs = gw.len() / outputs;
    for d in delta.chunks_exact(outputs) {
        for (b, &v) in gb.iter_mut().zip(d) {
            *b += v;
        }
    }
    if inputs == 0 {
        return;
    }
    let mut o = 0;
    while o + TILE_ROWS <= outputs {
        gradient_outputs::<TILE_ROWS, C>(delta, h, gw, outputs, o);
        o += TILE_ROWS;
    }
    while o < outputs {
        gradient_outputs::<1, C>(delta, h, gw, outputs, o);
        o += 1;
    }
}

#[inline(always)]
fn gradient_outputs<const R: usize, const C: usize>(
    delta: &[f32],
    h: &[f32],
    gw: &mut [f32],
    outputs: usize,
    o: usize,
) {
    let inputs = gw.len() / outputs;
    in_widths::<C>(inputs, |i, c| match c {
        16 => gradient_tile::<R, 16>(delta, h, gw, outputs, o, i),
        8 => gradient_tile::<R, 8>(delta, h, gw, outputs, o, i),
        4 => gradient_tile::<R, 4>(delta, h, gw, outputs, o, i),
        _ => gradient_tile::<R, 1>(delta, h, gw, outputs, o, i),
    });
}

/// Outputs o..o+R × inputs i..i+C of the weight gradient.
#[inline(always)]
fn gradient_tile<const R: usize, const C: usize>(
    delta: &[f32],
    h: &[f32],
    gw: &mut [f32],
    outputs: usize,
    o: usize,
    i: usize,
) {
    let inputs = gw.len() / outputs;
    let mut acc = [[0.0f32; C]; R];
    for (k, acc) in acc.iter_mut().enumerate() {
        acc.copy_from_slice(&gw[(o + k) * inputs + i..(o + k) * inputs + i + C]);
    }
    for (d, hr) in delta.chunks_exact(outputs).zip(h.chunks_exact(inputs)) {
        let d: &[f32; R] = d[o..o + R].try_into().expect("R outputs");
        let hv: &[f32; C] = hr[i..i + C].try_into().expect("C inputs");
        for (acc, &dv) in acc.iter_mut().zip(d) {
            for (s, &x) in acc.iter_mut().zip(hv) {
                *s += dv * x;
            }
        }
    }
    for (k, acc) in acc.iter().enumerate() {
        gw[(o + k) * inputs + i..(o + k) * inputs + i + C].copy_from_slice(acc);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The plain loop: each output from 0.0, products in ascending input order, then the bias.
    fn oracle(x: &[f32], wt: &[f32], bias: &[f32]) -> Vec<f32> {
        let outputs = bias.len();
        let inputs = wt.len() / outputs;
        let rows = x.len() / inputs;
        let mut out = vec![0.0; rows * outputs];
        for r in 0..rows {
            for o in 0..outputs {
                let mut acc = 0.0f32;
                for i in 0..inputs {
                    acc += x[r * inputs + i] * wt[i * outputs + o];
                }
                out[r * outputs + o] = acc + bias[o];
            }
        }
        out
    }

    fn values(n: usize, seed: u64) -> Vec<f32> {
        let mut rng = crate::random::Rng::new(seed);
        (0..n).map(|_| rng.normal() as f32).collect()
    }

    const SHAPES: [(usize, usize, usize); 7] =
        [(1, 1, 1), (4, 3, 8), (7, 5, 10), (13, 64, 33), (9, 17, 16), (3, 2, 7), (16, 61, 64)];

    #[test]
    fn affine_tiles_give_the_plain_loops_bits() {
        // Row and output counts that are and are not multiples of the tiles, portable and AVX2.
        for &(rows, inputs, outputs) in &SHAPES {
            let x = values(rows * inputs, 1);
            let wt = values(inputs * outputs, 2);
            let bias = values(outputs, 3);
            let want = oracle(&x, &wt, &bias);
            let mut portable = vec![f32::NAN; rows * outputs];
            affine_tiled::<8>(&x, &wt, &bias, &mut portable);
            let mut dispatched = vec![f32::NAN; rows * outputs];
            affine(&x, &wt, &bias, &mut dispatched);
            for out in [portable, dispatched] {
                assert!(out.iter().zip(&want).all(|(a, b)| a.to_bits() == b.to_bits()), "{rows}×{inputs}→{outputs}");
            }
        }
    }

    #[test]
    fn weight_gradient_tiles_give_the_plain_loops_bits() {
        for &(rows, inputs, outputs) in &SHAPES {
            let mut delta = values(rows * outputs, 4);
            delta[0] = 0.0;
            let h = values(rows * inputs, 5);
            let start = values(outputs * inputs + outputs, 6);
            // The plain loop: from the starting value, each row's product added in row order.
            let mut want = start.clone();
            for r in 0..rows {
                for o in 0..outputs {
                    for i in 0..inputs {
                        want[o * inputs + i] += delta[r * outputs + o] * h[r * inputs + i];
                    }
                    want[outputs * inputs + o] += delta[r * outputs + o];
                }
            }
            let mut portable = start.clone();
            let (gw, gb) = portable.split_at_mut(outputs * inputs);
            weight_gradient_tiled::<8>(&delta, &h, gw, gb);
            let mut dispatched = start.clone();
            let (gw, gb) = dispatched.split_at_mut(outputs * inputs);
            weight_gradient(&delta, &h, gw, gb);
            for got in [portable, dispatched] {
                assert!(got.iter().zip(&want).all(|(a, b)| a.to_bits() == b.to_bits()), "{rows}×{inputs}→{outputs}");
            }
        }
    }
}
