//! An island: a population that evolves on its own between migrations, with its own random
//! stream, so the search gives the same result whatever the number of threads running islands.

use std::collections::HashSet;

use super::individual::Individual;
use super::score::{Scorer, Scratch};
use super::variation::{self, Grammar};
use super::SearchOptions;
use crate::control::Cancel;
use crate::expr::Expr;
use crate::random::Rng;

/// What every island shares during a run.
pub struct Context<'a> {
    pub scorer: &'a Scorer<'a>,
    pub grammar: &'a Grammar,
    pub options: &'a SearchOptions,
}

pub struct Island {
    members: Vec<Individual>,
    hashes: HashSet<u64>,
    rng: Rng,
    scratch: Scratch,
    /// Formulas scored so far.
    pub evaluations: u64,
}

impl Island {
    /// A population of the exhaustive search's `seeds`, every variable on its own, and random
    /// formulas: island `index` of a run seeded with `seed`.
    pub fn new(index: usize, seed: u64, ctx: &Context, seeds: &[Individual]) -> Island {
        let mut island = Island {
            members: Vec::with_capacity(ctx.options.population),
            hashes: HashSet::new(),
            rng: Rng::stream(seed, index as u64),
            scratch: Scratch::default(),
            evaluations: 0,
        };
        let mut attempts = 0;
        for seed in seeds.iter().take(ctx.options.population / 2) {
            if island.hashes.insert(seed.hash) {
                island.members.push(seed.clone());
            }
        }
        for j in 0..ctx.grammar.vars.min(ctx.options.population as u16) {
            island.admit(Expr::var(j), ctx);
        }
        while island.members.len() < ctx.options.population && attempts < ctx.options.population * 20 {
            attempts += 1;
            let budget = 1 + island.rng.below(ctx.grammar.max_len.min(15));
            let nodes = ctx.grammar.tree(&mut island.rng, budget);
            let mut expr = Expr { nodes };
            if expr.recompute_lengths().is_err() {
                continue;
            }
            island.admit(expr, ctx);
        }
        island
    }

    pub fn members(&self) -> &[Individual] {
        &self.members
    }

    /// Simplifies, tunes and scores a new formula; adds it if it is new to the island.
    fn admit(&mut self, expr: Expr, ctx: &Context) -> bool {
        match self.prepare(expr, ctx) {
            Some(ind) if !self.hashes.contains(&ind.hash) => {
                self.hashes.insert(ind.hash);
                self.members.push(ind);
                true
            }
            _ => false,
        }
    }

    fn prepare(&mut self, expr: Expr, ctx: &Context) -> Option<Individual> {
        let expr = expr.simplify().ok()?;
        if expr.len() > ctx.grammar.max_len {
            return None;
        }
        let tuned = expr.num_constants() > 0 && self.rng.chance(ctx.options.optimize_probability);
        self.evaluations += 1;
        Some(ctx.scorer.member(
            expr,
            tuned.then_some(ctx.options.lm_iterations),
            ctx.grammar.max_len,
            &mut self.scratch,
        ))
    }

    /// Runs `generations` generations, stopping early if cancelled.
    pub fn evolve(&mut self, generations: u64, ctx: &Context, cancel: &Cancel) {
        for _ in 0..generations {
            if cancel.is_cancelled() || self.members.is_empty() {
                return;
            }
            self.generation(ctx);
        }
    }

    /// One generation: every slot breeds one child, which replaces its first parent if it is
    /// shorter in total (a local competition that keeps the population diverse).
    fn generation(&mut self, ctx: &Context) {
        for _ in 0..self.members.len() {
            let p = self.tournament(ctx.options.tournament);
            let Some(child) = self.breed(p, ctx) else { continue };
            let Some(child) = self.prepare(child, ctx) else { continue };
            if self.hashes.contains(&child.hash) || !child.score.better_than(&self.members[p].score) {
                continue;
            }
            self.hashes.remove(&self.members[p].hash);
            self.hashes.insert(child.hash);
            self.members[p] = child;
        }
    }

    /// A new formula from member `p` (and a second parent for crossovers).
    fn breed(&mut self, p: usize, ctx: &Context) -> Option<Expr> {
        let g = ctx.grammar;
        let a = self.members[p].expr.clone();
        for _ in 0..4 {
            let roll = self.rng.uniform();
            let child = if roll < 0.45 {
                let q = self.tournament(ctx.options.tournament);
                let b = &self.members[q].expr;
                variation::crossover(&a, b, &mut self.rng, g)
            } else if roll < 0.55 {
                let q = self.tournament(ctx.options.tournament);
                let b = self.members[q].expr.clone();
                variation::blend(&a, &b, &mut self.rng).or_else(|| variation::constants(&a, &mut self.rng))
            } else if roll < 0.65 {
                variation::constants(&a, &mut self.rng)
            } else if roll < 0.77 {
                variation::point(&a, &mut self.rng, g)
            } else if roll < 0.85 {
                variation::subtree(&a, &mut self.rng, g)
            } else if roll < 0.90 {
                variation::hoist(&a, &mut self.rng)
            } else if roll < 0.96 {
                variation::insert(&a, &mut self.rng, g)
            } else {
                variation::delete(&a, &mut self.rng)
            };
            if child.is_some() {
                return child;
            }
        }
        None
    }

    /// The best of `size` members drawn at random.
    fn tournament(&mut self, size: usize) -> usize {
        let mut best = self.rng.below(self.members.len());
        for _ in 1..size.max(1) {
            let other = self.rng.below(self.members.len());
            if self.members[other].score.better_than(&self.members[best].score) {
                best = other;
            }
        }
        best
    }

    /// The `k` shortest members, shortest first.
    pub fn elites(&self, k: usize) -> Vec<Individual> {
        let mut order: Vec<usize> = (0..self.members.len()).collect();
        order.sort_by(|&a, &b| self.members[a].score.total().total_cmp(&self.members[b].score.total()).then(a.cmp(&b)));
        order.into_iter().take(k).map(|i| self.members[i].clone()).collect()
    }

    /// Migrants from another island replace the longest members (unless already here).
    pub fn receive(&mut self, migrants: &[Individual]) {
        for m in migrants {
            if self.hashes.contains(&m.hash) {
                continue;
            }
            let worst = (0..self.members.len()).max_by(|&a, &b| {
                let (sa, sb) = (self.members[a].score.total(), self.members[b].score.total());
                sa.total_cmp(&sb).then(b.cmp(&a))
            });
            if let Some(w) = worst {
                if m.score.better_than(&self.members[w].score) {
                    self.hashes.remove(&self.members[w].hash);
                    self.hashes.insert(m.hash);
                    self.members[w] = m.clone();
                }
            }
        }
    }
}
