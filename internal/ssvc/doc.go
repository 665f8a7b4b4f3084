// Package ssvc evaluates the Stakeholder-Specific Vulnerability Categorization
// (SSVC) decision models a coordinator needs: Coordinator Triage, Coordinator
// Publish, Supplier Patch Development Priority and Deployer Patch Application
// Priority. It records an evaluation as an SSVC selection list (schema
// SelectionList 2.0.0) and reads one back.
//
// The package is pure: it does no I/O beyond reading its embedded data, and
// holds no package-level mutable state. The only package-level variables are
// the read-only embedded file system and the sentinel errors.
//
// Invariants:
//
//   - The decision tables and decision points are the official SSVC data
//     (CERTCC/SSVC, release 2026.7.0), embedded byte for byte under data/
//     and parsed by [New]; nothing about them is typed in Go except which
//     table each [Tree] ID names. New fails, rather than returning a partial
//     registry, if the data is malformed.
//   - Every decision point a table embeds is identical to its standalone
//     definition file, referenced as namespace:key:version.
//   - Every table is total and functional: each combination of input values
//     appears in exactly one mapping row, so an evaluation with every input
//     known always has exactly one outcome.
//   - Within a decision point, value names and keys are unique ignoring
//     case, so a value may be given by either. Within a tree, the names of
//     the decision points it accepts are unique ignoring case.
//   - A derived decision point (Utility, Public Safety Impact, Human Impact)
//     may be given directly, or by the inputs of the helper table that
//     derives it, or both if they agree. The tables are normative where the
//     SSVC prose disagrees with them.
//   - A [Registry] and everything reachable from it are immutable after New
//     and safe for concurrent use; callers must treat the exported slices
//     as read-only.
//   - Errors about caller input are *[InputError] (or *[CSVError] wrapping
//     one), matching one of the Err* sentinels with errors.Is.
package ssvc
