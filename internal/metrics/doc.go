// Package metrics measures CVD skill after Householder and Spring, "Are We
// Skillful or Just Lucky?". It is pure: no I/O, no package-level mutable
// state.
//
// Twelve desiderata say which CS event should come first: V<P V<X V<A F<P
// F<X F<A D<P D<X D<A P<X P<A X<A (Desiderata derives them: every ordered
// pair whose later event is P, X or A).
//
// Baseline frequency f_d is the share of complete CS histories meeting d when
// every allowed next event is equally likely in every state. Baselines
// computes it exactly (math/big.Rat) by walking the state graph that package
// protocol derives from the CS rules; nothing is typed in. V<P comes out at
// exactly 1/3.
//
// A History is one vendor's events in one case (its V, F, D and the case's
// P, X, A) in recorded order; order is what counts, never timestamps. A
// history must replay in the CS model (complete, or a prefix). On an
// incomplete history, d = a<b is met once a has happened while b has not,
// missed once b has happened without a before it, and undetermined while
// neither has happened; since events are never undone, a determined outcome
// never changes.
//
// Over a set of histories, the observed frequency of d is met / (met +
// missed), over the histories where d is determined, and the skill is
// alpha_d = (f_obs - f_d) / (1 - f_d): 0 is what luck gives, 1 is always
// meeting d, negative is worse than luck.
package metrics
