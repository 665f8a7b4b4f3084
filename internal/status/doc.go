// Package status keeps the vendors' status in a case (VEX): per vendor, per
// vulnerability of the case and per product (with its purl or CPE and the
// affected versions), one Statement: under investigation, affected (with an
// action statement), not affected (with an OpenVEX justification) or fixed
// (with the fixed version), the vendor's own words and references. The
// coordinators approve what will be published; the approved statements of
// a case are exported as one OpenVEX 0.2 document. It is built on cases
// (status imports cases, never the reverse).
//
// Invariants:
//   - Every change is one transaction that first locks the case
//     ((*cases.Service).Within: changes to one case take turns, so
//     versions, the first statement date and the document's version are
//     read and written without a race), then writes the statement, a
//     journal entry about it with its whole new state (object type
//     "vendor_statement") and a note on the case timeline about the vendor
//     (cases.RecordNote with the vendor as participant: only the vendor
//     and those who manage the case see it, never another vendor; for a
//     vendor that is also a coordinator, whose notes every participant
//     sees, the journal entry alone). A refused change writes nothing.
//   - Input is checked before anything is written (Fields.check): a known
//     status; a justification exactly for not_affected; an action
//     statement for affected; a fixed version for fixed; versions that
//     ParseVersions reads; a purl or CPE of their syntax; references that
//     are absolute http(s) URLs. The table's CHECKs hold the same rules.
//   - Only the members of a vendor participant create and edit its
//     statements, and only on vulnerabilities of the same case; one
//     statement per vendor, vulnerability and product (names compared
//     without case). A vendor that has not accepted the embargo in force
//     states nothing: the vulnerabilities are not shared with it yet.
//   - Edits name the version they were made on (optimistic concurrency: a
//     stale version is a conflict). An edit of what would be published
//     returns an approved statement to a draft; sharing or not keeps the
//     approval; an edit that changes nothing writes nothing.
//   - Who reads what is decided by the pure functions of permission.go:
//     those who manage the case read every statement and approve; a
//     vendor's members read its own; other participants (reporters among
//     them) read a vendor's statements once it shared them, unless the
//     embargo restricts them (cases.Access.Restricted). To everyone else a
//     statement does not exist (errs.NotFound).
//   - The first statement of a vendor sets case_participants.statement_at
//     (the one column of cases' tables status writes; it reads
//     case_vulnerabilities and, through cases.ParticipantsIn,
//     case_participants); every statement meets the vendor's open
//     deadlines.Statement deadline in the same transaction.
//   - The OpenVEX document of a case holds its approved statements, one
//     per product; its version (table vex_documents) goes up each time the
//     approved set changes. A vulnerability is named by its CVE ID, else by
//     the case key and its ID (PAR-2026-0042-V3); a product by its purl,
//     else by a URN of its vendor's and its own name.
//   - A statement that becomes shared, a shared one that changes what it
//     states, and an approval enqueue a JobEvent in the change's
//     transaction (notify tells the other participants, or the vendor).
//
// Journal actions: status.stated, status.updated, status.approved and
// status.unapproved.
package status
